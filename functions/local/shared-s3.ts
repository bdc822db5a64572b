/**
 * The embedded S3 of a data folder for one command: the server this process
 * starts, or the one another process already runs on the folder. Two servers
 * on one folder would each hold their own per-key locks over the same files,
 * and conditional writes would stop being conditional (stories were lost).
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  commandLine,
  DataFolderInUseError,
  folderProblem,
  type LockHolder,
} from "./data-folder-errors.ts";
import { type EmbeddedS3, type EmbeddedS3Options, startEmbeddedS3 } from "./embedded-s3.ts";
import { joinFolder } from "./folder-lock.ts";

export interface SharedS3 extends EmbeddedS3 {
  /** The process whose server this is, when it is another one's. */
  servedBy: LockHolder | null;
}

/** How long to wait for a server that is starting or closing. */
const WAIT_MS = 60_000;

/** Whether anything answers HTTP at the endpoint (any status will do). */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/`, { method: "HEAD", signal: AbortSignal.timeout(10_000) });
    return true;
  } catch {
    return false;
  }
}

/** Starts the folder's server, or uses the one running on it; says who holds it when neither works. */
export async function openEmbeddedS3(options: EmbeddedS3Options): Promise<SharedS3> {
  const folder = options.folder ?? options.directory;
  const deadline = Date.now() + WAIT_MS;
  for (let unanswered = 0; ; ) {
    let holder: LockHolder;
    try {
      return { ...(await startEmbeddedS3(options)), servedBy: null };
    } catch (e) {
      if (!(e instanceof DataFolderInUseError)) throw e;
      holder = e.holder;
    }
    let joined: ReturnType<typeof joinFolder>;
    try {
      joined = joinFolder(options.directory, commandLine());
    } catch (e) {
      throw folderProblem(e, folder, "could not register with its server") ?? e;
    }
    holder = joined.holder ?? holder;
    const { leave } = joined;
    if (leave !== null && holder.endpoint !== null) {
      if (await answers(holder.endpoint)) {
        return {
          endpoint: holder.endpoint,
          bucket: options.bucket,
          servedBy: holder,
          announceFeed: () => {
            throw new Error(`the data folder ${folder} is served by another process`);
          },
          close: async () => leave(),
        };
      }
      leave();
      if (++unanswered >= 3) {
        throw new DataFolderInUseError(
          folder,
          holder,
          `; its server ${holder.endpoint} does not answer`,
        );
      }
    }
    // Starting (checking the folder) or closing: either way it changes soon.
    if (Date.now() > deadline) {
      throw new DataFolderInUseError(folder, holder, `; its server is still ${holder.state}`);
    }
    await sleep(200);
  }
}
