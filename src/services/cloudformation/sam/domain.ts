// Custom domains of SAM APIs (`Domain`), as the translator emits them: REST APIs get
// AWS::ApiGateway::DomainName + BasePathMapping (private endpoints: DomainNameV2 + BasePathMappingV2 +
// DomainNameAccessAssociation), HTTP APIs AWS::ApiGatewayV2::DomainName + ApiMapping; a `Route53` block
// adds alias records to an AWS::Route53::RecordSetGroup shared by every API of the same hosted zone.
import type { Ctx } from './context.js';
import { getAtt, hashedId, invalid, isObj, ref, type Obj } from './util.js';

const ENDPOINTS = ['EDGE', 'REGIONAL', 'PRIVATE'];
const MTLS_KEYS = ['TruststoreUri', 'TruststoreVersion'];

/** Record set groups by logical id, shared across the APIs of one template. */
function groups(ctx: Ctx): Map<string, Obj> {
  const c = ctx as Ctx & { route53Groups?: Map<string, Obj> };
  return (c.route53Groups ??= new Map());
}

const truthy = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== false && v !== '' && v !== 0 && !(Array.isArray(v) && !v.length);

function basePaths(domain: Obj): unknown[] | undefined {
  const v = domain.BasePath;
  if (truthy(v) && typeof v === 'string') return [v];
  if (truthy(v) && Array.isArray(v)) return v;
  return undefined;
}

/** Python's `str.isalnum` per character (Unicode letters and digits). */
const alnum = (s: string): string => [...s].filter((c) => /[\p{L}\p{N}]/u.test(c)).join('');

function requireDomain(id: string, domain: unknown): Obj {
  if (!isObj(domain)) throw invalid(id, "Property 'Domain' should be a map.");
  if (domain.DomainName === undefined || domain.DomainName === null)
    throw invalid(id, "Property 'Domain.DomainName' is required.");
  if (domain.CertificateArn === undefined || domain.CertificateArn === null)
    throw invalid(id, "Property 'Domain.CertificateArn' is required.");
  return domain;
}

function optional(domain: Obj, props: Obj): void {
  for (const k of ['SecurityPolicy', 'EndpointAccessMode', 'Policy', 'OwnershipVerificationCertificateArn'])
    if (truthy(domain[k])) props[k] = domain[k];
}

function aliasTarget(id: string, domain: Obj, route53: Obj, domainRef: unknown, http: boolean): Obj {
  const t: Obj = {};
  if (route53.EvaluateTargetHealth !== undefined && route53.EvaluateTargetHealth !== null)
    t.EvaluateTargetHealth = route53.EvaluateTargetHealth;
  const endpoint = domain.EndpointConfiguration;
  if (endpoint === 'REGIONAL') {
    t.HostedZoneId = getAtt(domainRef as string, 'RegionalHostedZoneId');
    t.DNSName = getAtt(domainRef as string, 'RegionalDomainName');
  } else if (http) {
    throw invalid(id, 'Only REGIONAL endpoint is supported on HTTP APIs.');
  } else if (endpoint === 'EDGE') {
    route53.DistributionDomainName ??= getAtt(domainRef as string, 'DistributionDomainName');
    t.HostedZoneId = 'Z2FDTNDATAQYW2';
    t.DNSName = route53.DistributionDomainName;
  } else {
    t.HostedZoneId = route53.VpcEndpointHostedZoneId;
    t.DNSName = route53.VpcEndpointDomainName;
  }
  return t;
}

function recordSets(id: string, domain: Obj, route53: Obj, domainRef: unknown, http: boolean): Obj[] {
  const one = (type: string): Obj => {
    const r: Obj = {
      Name: domain.DomainName,
      Type: type,
      AliasTarget: aliasTarget(id, domain, route53, domainRef, http),
    };
    if (route53.Region !== undefined && route53.Region !== null) r.Region = route53.Region;
    if (route53.SetIdentifier !== undefined && route53.SetIdentifier !== null) r.SetIdentifier = route53.SetIdentifier;
    return r;
  };
  const out = [one('A')];
  if (route53.IpV6 === true) out.push(one('AAAA'));
  return out;
}

/**
 * The Route53 part: records added to the hosted zone's shared group, or to a group of their own.
 * `share` false: a new group under the shared id, replacing any earlier one (the translator's WebSocket
 * APIs do not see the other APIs' groups: its WebSocketApi macro reads them under a misspelt key).
 */
function route53For(
  ctx: Ctx,
  id: string,
  domain: Obj,
  pass: Obj,
  domainRef: unknown,
  http: boolean,
  share = true,
): void {
  const route53 = domain.Route53;
  if (route53 === undefined || route53 === null) return;
  if (!isObj(route53)) throw invalid(id, "Property 'Domain.Route53' should be a map.");
  const zone = route53.HostedZoneId ?? route53.HostedZoneName;
  if (zone === undefined || zone === null)
    throw invalid(id, 'HostedZoneId or HostedZoneName is required to enable Route53 support on Custom Domains.');
  const groupId = hashedId('RecordSetGroup', zone);
  if (!http && truthy(route53.SeparateRecordSetGroup)) {
    if (typeof route53.SeparateRecordSetGroup !== 'boolean')
      throw invalid(id, "Property 'Domain.Route53.SeparateRecordSetGroup' should be a boolean.");
    const props: Obj = {};
    if (truthy(route53.HostedZoneId)) props.HostedZoneId = route53.HostedZoneId;
    if (truthy(route53.HostedZoneName)) props.HostedZoneName = route53.HostedZoneName;
    props.RecordSets = recordSets(id, domain, route53, domainRef, http);
    const sid = hashedId('RecordSetGroup', [zone, domain.DomainName]);
    ctx.add(sid, { Type: 'AWS::Route53::RecordSetGroup', ...pass, Properties: props });
    return;
  }
  let group = share ? groups(ctx).get(groupId) : undefined;
  if (!group) {
    const props: Obj = {};
    if ('HostedZoneId' in route53) props.HostedZoneId = route53.HostedZoneId;
    if ((!http || !('HostedZoneId' in route53)) && 'HostedZoneName' in route53)
      props.HostedZoneName = route53.HostedZoneName;
    props.RecordSets = [];
    group = { Type: 'AWS::Route53::RecordSetGroup', ...pass, Properties: props };
    if (share) groups(ctx).set(groupId, group);
    ctx.add(groupId, group);
  }
  (group.Properties.RecordSets as Obj[]).push(...recordSets(id, domain, route53, domainRef, http));
}

/**
 * `Domain` of an AWS::Serverless::Api. Mutates `domain` as the translator does (defaults), before the
 * deployment hash is computed from it.
 */
export function restApiDomain(ctx: Ctx, id: string, rawDomain: unknown, pass: Obj): void {
  const domain = requireDomain(id, rawDomain);
  const privateDomain = domain.EndpointConfiguration === 'PRIVATE';
  const stage = ref(`${id}.Stage`);
  if (privateDomain) {
    const domainId = hashedId('ApiGatewayDomainNameV2', domain.DomainName);
    const props: Obj = {
      DomainName: domain.DomainName,
      CertificateArn: domain.CertificateArn,
      EndpointConfiguration: { Types: ['PRIVATE'] },
    };
    if (truthy(domain.IpAddressType)) props.EndpointConfiguration.IpAddressType = domain.IpAddressType;
    optional(domain, props);
    ctx.add(domainId, { Type: 'AWS::ApiGateway::DomainNameV2', ...pass, Properties: props });
    const arn = ref(domainId);
    const paths = basePaths(domain);
    const normalize = domain.NormalizeBasePath ?? true;
    if (!paths)
      ctx.add(`${id}BasePathMapping`, {
        Type: 'AWS::ApiGateway::BasePathMappingV2',
        ...pass,
        Properties: { DomainNameArn: arn, RestApiId: ref(id), Stage: stage },
      });
    else
      for (const bp of paths) {
        if (typeof bp !== 'string') throw invalid(id, "Property 'Domain.BasePath' should be a list of strings.");
        const path = alnum(bp);
        ctx.add(`${id}${path}BasePathMapping`, {
          Type: 'AWS::ApiGateway::BasePathMappingV2',
          ...pass,
          Properties: { DomainNameArn: arn, RestApiId: ref(id), Stage: stage, BasePath: normalize ? path : bp },
        });
      }
    if (domain.AccessAssociation !== undefined && domain.AccessAssociation !== null) {
      const vpce = isObj(domain.AccessAssociation) ? domain.AccessAssociation.VpcEndpointId : undefined;
      ctx.add(hashedId('DomainNameAccessAssociation', [vpce ?? null, domainId]), {
        Type: 'AWS::ApiGateway::DomainNameAccessAssociation',
        ...pass,
        Properties: { DomainNameArn: arn, AccessAssociationSourceType: 'VPCE', AccessAssociationSource: vpce },
      });
    }
    route53For(ctx, id, domain, pass, domain.DomainName, false);
    return;
  }

  const domainId = hashedId('ApiGatewayDomainName', domain.DomainName);
  domain.ApiDomainName = domainId;
  if (domain.EndpointConfiguration === undefined || domain.EndpointConfiguration === null)
    domain.EndpointConfiguration = 'REGIONAL';
  else if (!ENDPOINTS.includes(domain.EndpointConfiguration as string))
    throw invalid(id, `EndpointConfiguration for Custom Domains must be one of ['EDGE', 'REGIONAL', 'PRIVATE'].`);
  const endpoint = domain.EndpointConfiguration as string;
  const props: Obj = { DomainName: domain.DomainName };
  if (endpoint === 'REGIONAL') props.RegionalCertificateArn = domain.CertificateArn;
  else props.CertificateArn = domain.CertificateArn;
  props.EndpointConfiguration = { Types: [endpoint] };
  if (truthy(domain.IpAddressType)) props.EndpointConfiguration.IpAddressType = domain.IpAddressType;
  const mtls = domain.MutualTlsAuthentication;
  if (truthy(mtls)) {
    if (!isObj(mtls)) throw invalid(id, "Property 'Domain.MutualTlsAuthentication' should be a map.");
    if (!Object.keys(mtls).every((k) => MTLS_KEYS.includes(k)))
      throw invalid(id, "Available Domain.MutualTlsAuthentication fields are ['TruststoreUri', 'TruststoreVersion'].");
    props.MutualTlsAuthentication = {};
    for (const k of MTLS_KEYS) if (truthy(mtls[k])) props.MutualTlsAuthentication[k] = mtls[k];
  }
  optional(domain, props);
  ctx.add(domainId, { Type: 'AWS::ApiGateway::DomainName', ...pass, Properties: props });

  const paths = basePaths(domain);
  const normalize = domain.NormalizeBasePath ?? true;
  if (!paths)
    ctx.add(`${id}BasePathMapping`, {
      Type: 'AWS::ApiGateway::BasePathMapping',
      ...pass,
      Properties: { DomainName: ref(domainId), RestApiId: ref(id), Stage: stage },
    });
  else
    for (const bp of paths) {
      if (typeof bp !== 'string') throw invalid(id, "Property 'Domain.BasePath' should be a list of strings.");
      const path = alnum(bp);
      ctx.add(`${id}${path}BasePathMapping`, {
        Type: 'AWS::ApiGateway::BasePathMapping',
        ...pass,
        Properties: { DomainName: ref(domainId), RestApiId: ref(id), Stage: stage, BasePath: normalize ? path : bp },
      });
    }
  route53For(ctx, id, domain, pass, domainId, false);
}

/** `Domain` of an AWS::Serverless::HttpApi, or (`webSocket`) of an AWS::Serverless::WebSocketApi. */
export function httpApiDomain(ctx: Ctx, id: string, rawDomain: unknown, pass: Obj, webSocket = false): void {
  const createdByTag = webSocket ? 'websocketapi:createdBy' : 'httpapi:createdBy';
  if (
    !isObj(rawDomain) ||
    rawDomain.DomainName === undefined ||
    rawDomain.DomainName === null ||
    rawDomain.CertificateArn === undefined ||
    rawDomain.CertificateArn === null
  )
    throw invalid(id, 'Custom Domains only works if both DomainName and CertificateArn are provided.');
  const domain = rawDomain;
  const domainId = hashedId('ApiGatewayDomainNameV2', domain.DomainName);
  domain.ApiDomainName = domainId;
  if (domain.EndpointConfiguration === undefined || domain.EndpointConfiguration === null)
    domain.EndpointConfiguration = 'REGIONAL';
  else if (domain.EndpointConfiguration !== 'REGIONAL')
    throw invalid(id, "EndpointConfiguration for Custom Domains must be one of ['REGIONAL'].");
  const config: Obj = { CertificateArn: domain.CertificateArn, EndpointType: domain.EndpointConfiguration };
  if (truthy(domain.OwnershipVerificationCertificateArn))
    config.OwnershipVerificationCertificateArn = domain.OwnershipVerificationCertificateArn;
  if (truthy(domain.SecurityPolicy)) config.SecurityPolicy = domain.SecurityPolicy;
  const props: Obj = {
    DomainName: domain.DomainName,
    Tags: { [createdByTag]: 'SAM' },
    DomainNameConfigurations: [config],
  };
  const mtls = domain.MutualTlsAuthentication;
  if (truthy(mtls)) {
    if (!isObj(mtls))
      throw invalid(
        id,
        "MutualTlsAuthentication must be a map with at least one of the following fields ['TruststoreUri', 'TruststoreVersion'].",
      );
    const bad = Object.keys(mtls).filter((k) => !MTLS_KEYS.includes(k));
    if (bad.length)
      throw invalid(
        bad.sort().join(','),
        "Available MutualTlsAuthentication fields are ['TruststoreUri', 'TruststoreVersion'].",
      );
    props.MutualTlsAuthentication = {};
    for (const k of MTLS_KEYS) if (truthy(mtls[k])) props.MutualTlsAuthentication[k] = mtls[k];
  }
  ctx.add(domainId, { Type: 'AWS::ApiGatewayV2::DomainName', ...pass, Properties: props });

  const paths = basePaths(domain);
  const mapping = (mid: string, key?: string): void =>
    ctx.add(mid, {
      Type: 'AWS::ApiGatewayV2::ApiMapping',
      ...pass,
      Properties: {
        DomainName: ref(domainId),
        ApiId: ref(id),
        Stage: ref(`${id}.Stage`),
        ...(key !== undefined ? { ApiMappingKey: key } : {}),
      },
    });
  if (!paths) mapping(`${id}ApiMapping`);
  else
    for (const path of paths) {
      if (typeof path !== 'string') throw invalid(id, 'Basepath must be a string.');
      if (/[^0-9a-zA-Z/\-_]+/.test(path)) throw invalid(id, 'Invalid Basepath name provided.');
      mapping(`${id}${path.replace(/[-_/]+/g, '')}ApiMapping`, path.replace(/^\/+|\/+$/g, ''));
    }
  route53For(ctx, id, domain, pass, domainId, true, !webSocket);
}
