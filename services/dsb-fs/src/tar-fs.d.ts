// The part of tar-fs 3 (no bundled types) that dsb-fs uses.
declare module 'tar-fs' {
  import type { Readable, Writable } from 'node:stream';
  export interface TarHeader { name: string; type?: string | null; linkname?: string | null; mode?: number; size?: number }
  export interface PackOptions { dereference?: boolean; ignore?: (name: string) => boolean; sort?: boolean }
  export interface ExtractOptions {
    ignore?: (name: string, header?: TarHeader) => boolean;
    strict?: boolean;
    chown?: boolean;
    validateSymlinks?: boolean;
    readable?: boolean;
    writable?: boolean;
  }
  export function pack(cwd: string, opts?: PackOptions): Readable;
  export function extract(cwd: string, opts?: ExtractOptions): Writable;
}
