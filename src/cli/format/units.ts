// The go-units helpers live in src/lib so the daemon's Status column uses the very same rules.
export * from '../../lib/go-units.js';
