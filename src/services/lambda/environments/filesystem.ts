/**
 * The environment's files: the task root (/var/task), the merged layers (/opt) and the writable
 * temporary directory (/tmp). Isolated environments (Overcast running as root) get private copies
 * owned by root with the environment's group (read-only for the function, invisible to others)
 * and a /tmp only the environment's user can enter; otherwise the task root is the code directory
 * itself and /opt is a symlink farm.
 */
import { chmod, chown, cp, lstat, mkdir, readdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface Owner {
  uid: number;
  gid: number;
}

/** Copies `src` into `dest` (merging into what is there; later copies win). */
async function copyInto(src: string, dest: string): Promise<void> {
  await cp(src, dest, { recursive: true, force: true, verbatimSymlinks: true, dereference: false });
}

/** Makes a tree root:gid, directories 0750, files 0640 (0750 when executable): readable by the group only. */
async function lockDown(dir: string, owner: Owner): Promise<void> {
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path);
    if (st.isSymbolicLink()) {
      await chown(path, 0, owner.gid).catch(() => undefined);
      return;
    }
    await chown(path, 0, owner.gid);
    if (st.isDirectory()) {
      await chmod(path, 0o750);
      for (const entry of await readdir(path)) await walk(join(path, entry));
    } else {
      await chmod(path, st.mode & 0o111 ? 0o750 : 0o640);
    }
  };
  await walk(dir);
}

/** Merges layer directories in order into `optDir` as a tree of symlinks to the layers' files. */
async function symlinkFarm(layers: string[], optDir: string): Promise<void> {
  const merge = async (src: string, dest: string): Promise<void> => {
    for (const entry of await readdir(src, { withFileTypes: true })) {
      const from = join(src, entry.name);
      const to = join(dest, entry.name);
      const existing = await lstat(to).catch(() => undefined);
      if (entry.isDirectory()) {
        if (existing?.isSymbolicLink()) {
          // An earlier layer had a file (or link) here; a later directory replaces it.
          await rm(to, { force: true });
        }
        if (!existing || existing.isSymbolicLink()) await mkdir(to);
        else if (!existing.isDirectory()) {
          await rm(to, { recursive: true, force: true });
          await mkdir(to);
        }
        await merge(from, to);
      } else {
        if (existing) await rm(to, { recursive: true, force: true });
        const target = entry.isSymbolicLink() ? await readlink(from) : from;
        await symlink(target, to);
      }
    }
  };
  for (const layer of layers) await merge(layer, optDir);
}

export interface PreparedFiles {
  taskRoot: string;
  optDir: string;
  tmpDir: string;
}

/** Lays out an environment's files under `envDir`. */
export async function prepareFiles(
  envDir: string,
  codeDir: string,
  layerDirs: string[],
  owner: Owner | undefined,
): Promise<PreparedFiles> {
  await mkdir(envDir, { recursive: true, mode: 0o711 });
  const optDir = join(envDir, 'opt');
  const tmpDir = join(envDir, 'tmp');
  await mkdir(optDir);
  await mkdir(tmpDir, { mode: 0o700 });
  if (!owner) {
    await symlinkFarm(layerDirs, optDir);
    return { taskRoot: codeDir, optDir, tmpDir };
  }
  const taskRoot = join(envDir, 'task');
  await mkdir(taskRoot);
  if ((await stat(codeDir)).isDirectory()) await copyInto(codeDir, taskRoot);
  for (const layer of layerDirs) await copyInto(layer, optDir);
  await chmod(envDir, 0o711);
  await lockDown(taskRoot, owner);
  await lockDown(optDir, owner);
  await chown(tmpDir, owner.uid, owner.gid);
  await chmod(tmpDir, 0o700);
  return { taskRoot, optDir, tmpDir };
}

/**
 * A node_modules directory next to the task root (`<envDir>/node_modules`) merging, in NODE_PATH
 * order (first wins), the layers' nodejs/node_modules and the SDK: ES modules ignore NODE_PATH
 * but resolve through the task root's ancestors, so ESM handlers (and dynamic import()) find
 * layer packages and the SDK with no loader hook. Symlinks only.
 */
export async function linkNodeModules(dest: string, sources: string[]): Promise<void> {
  await mkdir(dest, { recursive: true, mode: 0o755 });
  const linkAll = async (src: string, to: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(src, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === '.bin' || entry.name === '.package-lock.json') continue;
      const from = join(src, entry.name);
      const target = join(to, entry.name);
      const existing = await lstat(target).catch(() => undefined);
      if (entry.name.startsWith('@')) {
        // A scope: merge its packages.
        if (existing?.isSymbolicLink()) {
          const previous = await readlink(target);
          await rm(target);
          await mkdir(target);
          for (const pkg of await readdir(previous))
            await symlink(join(previous, pkg), join(target, pkg)).catch(() => undefined);
        } else if (!existing) {
          await symlink(from, target);
          continue;
        }
        await linkAll(from, target);
      } else if (!existing) {
        await symlink(from, target);
      }
    }
  };
  for (const src of sources) await linkAll(src, dest);
}

/**
 * A node_modules directory holding only the AWS SDK v3 packages (symlinks into Overcast's own
 * node_modules), so handlers import the SDK without bundling it, as AWS's Node runtimes allow,
 * without seeing Overcast's other dependencies.
 */
export async function prepareSdkDir(dest: string, sourceNodeModules: string): Promise<string | undefined> {
  const scopes = ['@aws-sdk', '@smithy', '@aws-crypto', '@aws'];
  const present: string[] = [];
  for (const s of scopes) {
    if (await stat(join(sourceNodeModules, s)).catch(() => undefined)) present.push(s);
  }
  if (!present.includes('@aws-sdk')) return undefined;
  await mkdir(dest, { recursive: true, mode: 0o755 });
  for (const s of present) await symlink(join(sourceNodeModules, s), join(dest, s)).catch(() => undefined);
  return dest;
}
