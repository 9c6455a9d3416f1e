import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import type { Item } from '../types.js';

/**
 * One shard of the item cache as a file: the items without their bodies
 * first, then the bodies. A build decodes only the first part; a body is read
 * when something renders it, which a warm build whose published files are all
 * unchanged never does. At 10k items the bodies are nine tenths of the bytes,
 * and decoding them took about 70 ms and as much again in garbage collection.
 *
 * Layout: MAGIC | u32 LE length of the head part | head part (V8-serialized
 * `Stored`) | bodies (each item's contentHtml then contentText, UTF-8).
 */
const MAGIC = Buffer.from('WFI1');
const PREFIX = MAGIC.length + 4;

type Head = Omit<Item, 'contentHtml' | 'contentText'>;

interface Stored {
  /** Key, head, and where the body is: offset in the bodies part, bytes of html, bytes of text. */
  entries: [key: string, head: Head, offset: number, htmlBytes: number, textBytes: number][];
  bodyBytes: number;
}

/** Replaces the file whole (temporary file and rename), so a concurrent build or a crash sees the old shard or the new one. */
export async function writeItemShard(file: string, items: ReadonlyMap<string, Item>): Promise<void> {
  const stored: Stored = { entries: [], bodyBytes: 0 };
  const bodies: Buffer[] = [];
  for (const [key, item] of items) {
    // For a StoredItem this reads its body through its own shard file, which stays open.
    const { contentHtml, contentText, ...head } = item;
    const html = Buffer.from(contentHtml);
    const text = Buffer.from(contentText);
    stored.entries.push([key, head, stored.bodyBytes, html.length, text.length]);
    bodies.push(html, text);
    stored.bodyBytes += html.length + text.length;
  }
  const headPart = serialize(stored);
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(headPart.length, MAGIC.length);
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, [prefix, headPart, ...bodies]);
  await rename(temporary, file);
}

/**
 * The items of a shard file, their bodies left on disk. A missing, truncated
 * or foreign file reads as empty: a cache can only miss, never fail the
 * build. The file stays open while any of its items lives, so their bodies
 * are read from the bytes that were checked here even after a later build
 * replaces or deletes the file.
 */
export function readItemShard(file: string): Map<string, Item> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return new Map();
  }
  let items: Map<string, Item> | undefined;
  try {
    const size = fstatSync(fd).size;
    const prefix = readExactly(fd, 0, Math.min(PREFIX, size));
    if (prefix.length === PREFIX && prefix.subarray(0, MAGIC.length).equals(MAGIC)) {
      const headLength = prefix.readUInt32LE(MAGIC.length);
      const stored = deserialize(readExactly(fd, PREFIX, Math.min(headLength, size - PREFIX))) as Stored;
      if (PREFIX + headLength + stored.bodyBytes === size && stored.entries.length > 0) {
        const bodies = new BodyFile(fd, PREFIX + headLength);
        items = new Map(stored.entries.map(([key, head, offset, html, text]) => [key, new StoredItem(head, { file: bodies, offset, htmlBytes: html, textBytes: text })]));
      }
    }
  } catch {
    // Unreadable or not ours: the same as missing.
  }
  if (!items) {
    closeSync(fd);
    return new Map();
  }
  return items;
}

/** Bodies of one shard file, read on demand; the descriptor is closed once no item of the file is left. */
class BodyFile {
  private static readonly closer = new FinalizationRegistry<number>((fd) => closeSync(fd));

  constructor(
    private readonly fd: number,
    private readonly start: number,
  ) {
    BodyFile.closer.register(this, fd);
  }

  read(offset: number, length: number): Buffer {
    return readExactly(this.fd, this.start + offset, length);
  }
}

function readExactly(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    // The size was checked when the file was opened, and it is replaced only by rename, never written in place.
    if (n === 0) throw new Error(`build cache file ended early at byte ${position + done}: delete the cache folder and build again`);
    done += n;
  }
  return buffer;
}

/** Where a stored item's body is, and the body once read. */
interface BodyAt {
  file: BodyFile;
  offset: number;
  htmlBytes: number;
  textBytes: number;
  body?: [html: string, text: string];
}

const BODY = Symbol('body');

// The head's fields are own properties, copied from the stored head; the body is read on first use.
interface StoredItem extends Head {}

class StoredItem implements Item {
  declare readonly [BODY]: BodyAt;

  constructor(head: Head, at: BodyAt) {
    Object.assign(this, head);
    // Not enumerable, so a copy of the item's fields (`...item`) never carries it; a copy of its descriptors (the catalog's redated) does, and shares the body.
    Object.defineProperty(this, BODY, { value: at });
  }

  get contentHtml(): string {
    return bodyOf(this[BODY])[0];
  }

  get contentText(): string {
    return bodyOf(this[BODY])[1];
  }
}

function bodyOf(at: BodyAt): [string, string] {
  if (!at.body) {
    const bytes = at.file.read(at.offset, at.htmlBytes + at.textBytes);
    at.body = [bytes.toString('utf8', 0, at.htmlBytes), bytes.toString('utf8', at.htmlBytes)];
  }
  return at.body;
}
