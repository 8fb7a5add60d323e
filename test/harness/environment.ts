// Loaded by Jest before any test module: n8n-core reads its configuration from the
// environment when its services are first created, so this must run first.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const userFolder = mkdtempSync(join(tmpdir(), 'n8n-seg-test-'));

Object.assign(process.env, {
	N8N_USER_FOLDER: userFolder,
	N8N_ENCRYPTION_KEY: 'test-encryption-key-not-secret',
	N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
	N8N_BINARY_DATA_STORAGE_PATH: join(userFolder, 'binary-data'),
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'silent',
	N8N_SSRF_PROTECTION_ENABLED: 'false',
});
