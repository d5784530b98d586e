import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

/** The user a container runs as could not be found in its image. */
export class UserError extends Error {}

async function readImageFile(root: string, rel: string): Promise<string | undefined> {
  const path = join(root, rel);
  try {
    // Never follow a symlink the image planted (it would resolve on the host).
    if (!(await lstat(path)).isFile()) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function table(text: string | undefined): string[][] {
  return (text ?? '')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

/**
 * Resolve Docker's `user` forms (`uid`, `uid:gid`, `name`, `name:group`) against the image's
 * /etc/passwd and /etc/group, as runc/Docker do: unknown names are an error, numbers pass as they are.
 */
export async function resolveUser(root: string, spec: string | undefined): Promise<ResolvedUser> {
  const passwd = table(await readImageFile(root, 'etc/passwd'));
  const groups = table(await readImageFile(root, 'etc/group'));
  const [userPart = '', groupPart] = (spec ?? '').split(':');
  let uid = 0;
  let gid = 0;
  let home = '/';
  let name: string | undefined;
  if (userPart === '' || userPart === 'root') {
    const root = passwd.find((r) => r[2] === '0');
    home = root?.[5] || '/root';
    name = 'root';
  } else if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    const row = passwd.find((r) => r[2] === userPart);
    if (row) {
      gid = Number(row[3]);
      home = row[5] || '/';
      name = row[0];
    }
  } else {
    const row = passwd.find((r) => r[0] === userPart);
    if (!row) throw new UserError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = Number(row[2]);
    gid = Number(row[3]);
    home = row[5] || '/';
    name = row[0];
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const row = groups.find((r) => r[0] === groupPart);
      if (!row) throw new UserError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = Number(row[2]);
    }
  }
  const additionalGids = name
    ? groups.filter((g) => (g[3] ?? '').split(',').includes(name!) && Number(g[2]) !== gid).map((g) => Number(g[2]))
    : [];
  return { uid, gid, additionalGids, home };
}
