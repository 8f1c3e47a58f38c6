// Pact files merge across runs (renamed interactions would linger), so every consumer run starts from an empty pacts/.
const fs = require('node:fs');
const path = require('node:path');
const dir = path.resolve(__dirname, '..', 'pacts');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
