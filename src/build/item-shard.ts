import { closeSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { deserialize, serialize } from 'node:v8';
import type { EntityTag, Item } from '../types.js';

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

/**
 * One copy of the values that many items repeat (section, language, date
 * source, author, tags): a decoded or cloned item otherwise carries copies of
 * its own. Shared tags are frozen, as items are never changed once made. The
 * pool starts over past POOL_LIMIT values, so a server that runs for months
 * does not keep every tag it has ever seen.
 */
class SharedValues {
  private strings = new Map<string, string>();
  private tags = new Map<string, EntityTag>();

  head<T extends Head>(head: T): T {
    if (this.strings.size + this.tags.size > POOL_LIMIT) [this.strings, this.tags] = [new Map(), new Map()];
    head.section = this.string(head.section);
    head.language = this.string(head.language);
    head.dateSource = this.string(head.dateSource);
    if (head.author !== undefined) head.author = this.string(head.author);
    head.tags = head.tags.map((tag) => this.tag(tag));
    return head;
  }

  private string<S extends string>(value: S): S {
    const known = this.strings.get(value);
    if (known !== undefined) return known as S;
    this.strings.set(value, value);
    return value;
  }

  private tag(tag: EntityTag): EntityTag {
    const id = `${tag.kind}\u0000${tag.name}`;
    let known = this.tags.get(id);
    if (!known) {
      known = Object.freeze({ name: tag.name, kind: tag.kind });
      this.tags.set(id, known);
    }
    return known;
  }
}

const POOL_LIMIT = 1 << 16;
const shared = new SharedValues();

/** An item's head apart from its body, encoded as the files store it. */
function splitBody(item: Item): { head: Head; html: Buffer; text: Buffer } {
  const { contentHtml, contentText, ...head } = item;
  return { head, html: Buffer.from(contentHtml), text: Buffer.from(contentText) };
}

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
    if (item instanceof StoredItem) {
      // Its body's bytes are copied from its own file (a shard, which stays open, or a spill file), not decoded:
      // writing a cold 100k build's shards decoded 0.9 GB of bodies, and RSS went from 0.74 to 1.04 GB while it did.
      const at = item[BODY];
      stored.entries.push([key, { ...item }, stored.bodyBytes, at.htmlBytes, at.textBytes]);
      bodies.push(at.file.read(at.offset, at.htmlBytes + at.textBytes));
      stored.bodyBytes += at.htmlBytes + at.textBytes;
      continue;
    }
    const { head, html, text } = splitBody(item);
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
        // Heads first: the descriptor is handed to its closer only once nothing more can throw.
        const heads = stored.entries.map(([, head]) => shared.head(head));
        const bodies = new BodyFile(fd, PREFIX + headLength);
        items = new Map(stored.entries.map(([key, , offset, html, text], i) => [key, new StoredItem(heads[i] as Head, { file: bodies, offset, htmlBytes: html, textBytes: text })]));
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

  /** Writes `bytes` at `offset`; the bytes written. */
  write(bytes: Buffer, offset: number): number {
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, this.start + offset + done);
    return bytes.length;
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

/**
 * Bodies of the items a build makes, moved to a file as they come (a cold
 * build of 100k documents made 0.9 GB of them), so that the build holds only
 * their heads. The file is unlinked as soon as it is open: it takes no space
 * once the process is gone, even after a crash, and its items read it through
 * the open descriptor.
 */
export class SpilledBodies {
  private size = 0;

  private constructor(private readonly file: BodyFile) {}

  /** A new spill file in `dir`, a folder of the build cache. */
  static open(dir: string): SpilledBodies {
    const path = `${dir}/spill-${process.pid}-${Date.now()}.tmp`;
    const fd = openSync(path, 'wx+');
    unlinkSync(path);
    return new SpilledBodies(new BodyFile(fd, 0));
  }

  /** The same item, its body written to the file and read from it on use. */
  hold(item: Item): Item {
    const { head, html, text } = splitBody(item);
    const at = { file: this.file, offset: this.size, htmlBytes: html.length, textBytes: text.length };
    this.size += this.file.write(Buffer.concat([html, text]), this.size);
    return new StoredItem(shared.head(head), at);
  }
}

/** Where a stored item's body is, and the body while something uses it. */
interface BodyAt {
  file: BodyFile;
  offset: number;
  htmlBytes: number;
  textBytes: number;
  /**
   * Weakly held: rendering reads a body for each file that shows the item,
   * one after another, but a build that renders every file would otherwise
   * end up holding every body.
   */
  body?: WeakRef<[html: string, text: string]>;
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
  let body = at.body?.deref();
  if (!body) {
    const bytes = at.file.read(at.offset, at.htmlBytes + at.textBytes);
    body = [bytes.toString('utf8', 0, at.htmlBytes), bytes.toString('utf8', at.htmlBytes)];
    at.body = new WeakRef(body);
  }
  return body;
}
