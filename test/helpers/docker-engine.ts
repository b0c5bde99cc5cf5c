import { execFileSync } from 'node:child_process';
import { chmod, copyFile, cp, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Docker from 'dockerode';
import { create as createTar } from 'tar';
import { PEER_LABEL } from '../../src/container/docker/docker-vm-provider.js';

/** The variable naming the Docker engine the Docker tests run against (`.ci/run` sets it). */
export const ENDPOINT_VARIABLE = 'WEFT_TEST_DOCKER_ENDPOINT';

/**
 * The Docker engine for the Docker tests. Without one they are skipped outside CI, saying how to
 * run them; in CI (CI=true) they run and fail, since a path CI skips is a path nobody tests.
 */
export function dockerTestEngine(): { endpoint: string | undefined; skip: string | false } {
  const endpoint = process.env[ENDPOINT_VARIABLE];
  if (endpoint !== undefined && endpoint !== '') return { endpoint, skip: false };
  if (process.env.CI === 'true') return { endpoint: undefined, skip: false };
  return {
    endpoint: undefined,
    skip: `no Docker engine: set ${ENDPOINT_VARIABLE}=unix:///var/run/docker.sock to run the Docker tests (bash .ci/run starts a private engine and sets it)`,
  };
}

/** The endpoint, or the failure CI must show when it has none. */
export function requireEndpoint(engine: { endpoint: string | undefined }): string {
  if (engine.endpoint === undefined) {
    throw new Error(`CI=true but ${ENDPOINT_VARIABLE} is not set: the Docker tests need an engine (bash .ci/run starts one)`);
  }
  return engine.endpoint;
}

export function dockerClient(endpoint: string): Docker {
  return endpoint.startsWith('unix://') ? new Docker({ socketPath: endpoint.slice('unix://'.length) }) : new Docker({ host: new URL(endpoint.replace(/^tcp:/, 'http:')).hostname, port: Number(new URL(endpoint.replace(/^tcp:/, 'http:')).port) });
}

/** Names of this machine's Node.js runtime image, one per Node.js version. */
export function runtimeImageName(): string {
  return `weft-test-node:${process.version.replace(/^v/, '')}`;
}

/**
 * A chaincode runtime image with no registry: a root file system holding this machine's own
 * node binary, npm, /bin/sh and the libraries they load, imported as an image. It meets the
 * contract of Fabric's nodeenv image that Weft relies on (`/bin/sh -c "cd /usr/local/src; npm
 * start ..."`). Made once per engine and Node.js version; later calls find it.
 */
export async function testRuntimeImage(endpoint: string): Promise<string> {
  const docker = dockerClient(endpoint);
  const name = runtimeImageName();
  const present = await docker.getImage(name).inspect().then(
    () => true,
    () => false,
  );
  if (present) return name;
  const root = await mkdtemp(join(tmpdir(), 'weft-test-rootfs-'));
  try {
    const node = await realpath(process.execPath);
    const sh = await realpath('/bin/sh');
    await copyInto(root, node, '/usr/local/bin/node');
    await copyInto(root, sh, '/bin/sh');
    for (const lib of new Set([...sharedLibraries(node), ...sharedLibraries(sh)])) await copyInto(root, lib, lib);
    // npm's own JavaScript, run by node through a small wrapper, as a Node.js install lays it out.
    const npmCli = await realpath(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
    await cp(dirname(dirname(npmCli)), join(root, 'usr/local/lib/node_modules/npm'), { recursive: true, dereference: true });
    await writeFile(join(root, 'usr/local/bin/npm'), '#!/bin/sh\nexec /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js "$@"\n', { mode: 0o755 });
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    await writeFile(join(root, 'etc/group'), 'root:x:0:\n');
    await mkdir(join(root, 'root'), { recursive: true });
    await mkdir(join(root, 'tmp'), { recursive: true });
    await chmod(join(root, 'tmp'), 0o1777);
    const [repo, tag] = name.split(':');
    const progress = await docker.importImage(createTar({ cwd: root, portable: false }, ['.']) as unknown as NodeJS.ReadableStream, {
      repo,
      tag,
      changes: ['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'ENV HOME=/root'],
    });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (err: Error | null) => (err ? reject(err) : resolve())));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return name;
}

async function copyInto(root: string, from: string, to: string): Promise<void> {
  await mkdir(join(root, dirname(to)), { recursive: true });
  await copyFile(from, join(root, to));
  await chmod(join(root, to), 0o755);
}

/** The shared libraries `ldd` says a binary loads, the dynamic loader included. */
function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1] as string);
}

/** Removes the containers and images of one test peer, so that test runs do not fill the engine's disk. */
export async function removePeerArtifacts(endpoint: string, networkId: string, peerId: string): Promise<void> {
  const docker = dockerClient(endpoint);
  const containers = await docker.listContainers({ all: true, filters: { label: [`${PEER_LABEL}=${networkId}-${peerId}`] } }).catch(() => []);
  for (const c of containers) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  const images = await docker.listImages().catch(() => []);
  for (const image of images) {
    if ((image.RepoTags ?? []).some((tag) => tag.startsWith(`${networkId}-${peerId}-`))) {
      await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    }
  }
}
