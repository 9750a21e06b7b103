// archiver 8 ships no type declarations: the small part kubebundle uses.
declare module "archiver" {
  import { Readable } from "node:stream";
  export interface EntryData {
    name: string;
    date?: Date;
    mode?: number;
    type?: "file" | "directory";
    uid?: number;
    gid?: number;
    uname?: string;
    gname?: string;
  }
  export class TarArchive extends Readable {
    constructor(options?: { gzip?: boolean });
    append(source: Buffer, data: EntryData): this;
    finalize(): Promise<void>;
  }
}
