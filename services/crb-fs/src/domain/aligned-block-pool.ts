// The WebAssembly global of the JS runtime (not in this project's TypeScript lib set).
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } };

/**
 * Fixed-size blocks of memory aligned for O_DIRECT, shared by every upload of the process.
 *
 * Why WebAssembly memory: direct I/O needs buffers whose address is a multiple of the device's block size, and node
 * neither aligns nor exposes the address of a Buffer's memory. A WebAssembly.Memory is reserved by V8 at page (64 KiB)
 * granularity, so a Buffer over it at a multiple of 4096 bytes is aligned. The memory is reserved once, never grown
 * (growing would detach the Buffers of writes in flight), and only the blocks ever used become resident.
 */
export class AlignedBlockPool {
  /** Bytes per block: 1 MiB (a multiple of 64 KiB wasm pages and of any device block size). */
  static readonly BLOCK = 1024 * 1024;
  private readonly free: Buffer[] = [];

  /** `blocks`: how many blocks exist in all (the process's direct-I/O budget; resident only once used). */
  constructor(readonly blocks: number) {
    if (!Number.isInteger(blocks) || blocks < 1) throw new Error('an aligned block pool needs at least one block');
    const mem = new WebAssembly.Memory({ initial: (blocks * AlignedBlockPool.BLOCK) / 65536 });
    // Pushed in reverse so that the first blocks handed out are the lowest ones, which stay warm across uploads.
    for (let i = blocks - 1; i >= 0; i--) this.free.push(Buffer.from(mem.buffer, i * AlignedBlockPool.BLOCK, AlignedBlockPool.BLOCK));
  }

  /** Takes `n` blocks, or none when fewer are free (the caller then writes without direct I/O). */
  take(n: number): Buffer[] | undefined {
    if (this.free.length < n) return undefined;
    return this.free.splice(this.free.length - n, n);
  }

  /** Returns blocks taken before; they must not be in use by a write any more. */
  give(blocks: Buffer[]): void {
    this.free.push(...blocks);
  }

  get available(): number { return this.free.length; }
}
