/** Account limits as DynamoDB reports them for a new account. */
export function describeLimits() {
  return {
    AccountMaxReadCapacityUnits: 80000,
    AccountMaxWriteCapacityUnits: 80000,
    TableMaxReadCapacityUnits: 40000,
    TableMaxWriteCapacityUnits: 40000,
  };
}

export function describeEndpoints(_input: unknown, host: string) {
  return { Endpoints: [{ Address: host, CachePeriodInMinutes: 1440 }] };
}
