import { FabricMsp, type FabricMspOptions } from './fabric-msp.js';
import { MspError } from './msp-error.js';
import { readMspFolder, type MspFolderLogger } from './msp-folder.js';
import { loadSigningIdentity, type SigningIdentity } from './signing-identity.js';

/**
 * The peer's own MSP, from its folder (peer.mspConfigPath): the verifying MSP Fabric's
 * GetLocalMspConfig builds, and the identity that signs for the peer. The signer must be a valid
 * identity of that MSP, as Fabric's setupSigningIdentity requires.
 */
export async function loadLocalMsp(
  dir: string,
  mspId: string,
  opts: FabricMspOptions & { logger?: MspFolderLogger } = {},
): Promise<{ msp: FabricMsp; signer: SigningIdentity }> {
  const [config, signer] = await Promise.all([readMspFolder(dir, mspId, opts), loadSigningIdentity(dir, mspId)]);
  const msp = FabricMsp.fromConfig(config, opts);
  try {
    msp.deserializeIdentity(signer.serialize()).validate();
  } catch (err) {
    if (err instanceof MspError) throw new MspError(err.code, `the signing identity in ${dir} is not valid in MSP ${mspId}: ${err.message}`, { cause: err });
    throw err;
  }
  return { msp, signer };
}
