// Adds lock entries for optional platform packages (other OSes' native builds) that the registry
// mirror here does not serve: `npm install` leaves them out of package-lock.json, and `npm ci` then
// refuses the lockfile as out of sync. With an entry each, `npm ci` accepts it and skips them as
// optional packages for another platform. Run after any `npm install`: node .ci/fix-lockfile.mjs package-lock.json
import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2];
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const [where, meta] of Object.entries(pkgs)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = where === '' ? '' : `${where}/`;
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((c) => pkgs[c])) continue;
    const version = String(spec).replace(/^[\^~=]/, '');
    pkgs[`node_modules/${name}`] = { version, optional: true };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} entries`);
