/** Where a container image lives in Overcast's registry. */
export interface ImageLocation {
  account: string;
  region: string;
  repo: string;
  /** Tag or digest. */
  ref: string;
}

/**
 * Parse a task definition's `image` for Overcast's own registry: `<acct>.dkr.ecr.<region>.(amazonaws.com|localhost)[:port]/name[:tag|@digest]`,
 * `localhost[:port]/name…` or `127.0.0.1[:port]/name…` (the caller's account and region). Images
 * from other registries cannot be pulled (nothing leaves the machine); the error says so.
 */
export function parseImage(image: string, account: string, region: string): ImageLocation | { error: string } {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  if (!isHost) {
    const ref = image.includes('/') ? image : `library/${image}`;
    return {
      error: `failed to resolve ref docker.io/${ref}${ref.includes(':') || ref.includes('@') ? '' : ':latest'}: Overcast pulls images only from its own registry (push it with overcast images import or docker push localhost:<port>/<name>)`,
    };
  }
  const rest = image.slice(slash + 1);
  let acct = account;
  let reg = region;
  const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.[a-z0-9.-]+(?::\d+)?$/.exec(first);
  if (ecr) {
    acct = ecr[1]!;
    reg = ecr[2]!;
  } else if (!/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(first)) {
    return { error: `failed to resolve ref ${image}: registry ${first} is not Overcast's registry` };
  }
  let repo = rest;
  let ref = 'latest';
  const at = rest.indexOf('@');
  if (at >= 0) {
    repo = rest.slice(0, at);
    ref = rest.slice(at + 1);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      repo = rest.slice(0, colon);
      ref = rest.slice(colon + 1);
    }
  }
  if (!repo) return { error: `invalid reference format: ${image}` };
  return { account: acct, region: reg, repo, ref };
}
