/**
 * Lines of a text file, read on demand in fixed-size blocks: the consumer pulls, so only one
 * block and one partial line are ever held. (readline's async iterator reads ahead on its own.)
 * `return()` closes the file.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface Line {
  /** 1-based line number, for error messages. */
  readonly number: number;
  readonly text: string;
}

export async function* readLines(path: string, blockBytes = 1 << 16): AsyncGenerator<Line> {
  const handle = await open(path, 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const block = Buffer.allocUnsafe(blockBytes);
    let partial = '';
    let number = 0;
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, blockBytes, null);
      const text = bytesRead === 0 ? partial + decoder.end() : partial + decoder.write(block.subarray(0, bytesRead));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        number++;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield { number, text: text.slice(start, end) };
        start = nl + 1;
      }
      partial = text.slice(start);
      if (bytesRead === 0) {
        if (partial.length > 0) yield { number: number + 1, text: partial.endsWith('\r') ? partial.slice(0, -1) : partial };
        return;
      }
    }
  } finally {
    await handle.close();
  }
}
