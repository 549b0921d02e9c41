import { createInterface, type Interface } from 'node:readline';

import { CliError } from '../api/seedship-api';

/** Checks an answer: returns the value to keep, or throws an Error whose message says what is wrong. */
export type Validate<T> = (answer: string) => T;

export interface AskOptions<T> {
  /** Shown in brackets and used when the answer is empty. */
  readonly defaultAnswer?: string;
  readonly validate: Validate<T>;
}

/**
 * Questions on a terminal, one line each. A wrong answer is explained and the question asked again;
 * end of input (Ctrl-D) cancels the whole command, changing nothing.
 */
export class Prompter {
  private readonly lines: string[] = [];
  private readonly waiting: Array<(line: string | undefined) => void> = [];
  private closed = false;
  private readonly readline: Interface;

  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
  ) {
    // One readline for the whole session, so type-ahead between questions is kept, not lost.
    this.readline = createInterface({ input, output, terminal: false });
    this.readline.on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.lines.push(line);
    });
    this.readline.on('close', () => {
      this.closed = true;
      for (const next of this.waiting.splice(0)) next(undefined);
    });
  }

  private nextLine(): Promise<string | undefined> {
    const buffered = this.lines.shift();
    if (buffered !== undefined) return Promise.resolve(buffered);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async ask<T>(question: string, options: AskOptions<T>): Promise<T> {
    for (;;) {
      this.output.write(`${question}${options.defaultAnswer !== undefined ? ` [${options.defaultAnswer}]` : ''}: `);
      const line = await this.nextLine();
      if (line === undefined) throw new CliError('\nInput ended before every question was answered; nothing was changed.');
      const answer = line.trim() === '' && options.defaultAnswer !== undefined ? options.defaultAnswer : line.trim();
      try {
        return options.validate(answer);
      } catch (error) {
        this.output.write(`  ✗ ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }

  close(): void {
    this.readline.close();
  }
}
