/** Text built from fragments: joined lazily, each fragment once. */
export class TextBuffer {
  private value = '';
  private readonly pending: string[] = [];

  get hasPending(): boolean {
    return this.pending.length > 0;
  }
  append(fragment: string): void {
    this.pending.push(fragment);
  }
  /** Fragments queued since the last read, for a consumer that must see each one (the JSON parser). */
  peekPending(): readonly string[] {
    return this.pending;
  }
  read(): string {
    if (this.pending.length > 0) {
      // V8 concatenation makes a rope here: the joined prefix is not copied again.
      this.value += this.pending.length === 1 ? this.pending[0] : this.pending.join('');
      this.pending.length = 0;
    }
    return this.value;
  }
}
