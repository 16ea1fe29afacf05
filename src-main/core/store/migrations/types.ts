/** A numbered schema change. Once released, its sql must never change: the checksum is recorded. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
