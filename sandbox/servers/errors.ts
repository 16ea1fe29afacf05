/**
 * A server binary or build tool is not installed. Tests that need the server
 * fail with this message instead of being skipped, so a missing package is
 * seen and fixed rather than hidden.
 */
export class MissingBinaryError extends Error {
  readonly debianPackage: string;
  readonly binary: string;

  constructor(binary: string, debianPackage: string) {
    super(
      `${binary} is not installed: install the Debian package "${debianPackage}" (apt-get install ${debianPackage})`,
    );
    this.name = 'MissingBinaryError';
    this.binary = binary;
    this.debianPackage = debianPackage;
  }
}

/** A server process did not come up. Carries the tail of its output. */
export class ServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerStartError';
  }
}
