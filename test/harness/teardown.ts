// Registered after the test framework loads: stops the timers n8n-core's services start,
// as n8n does on shutdown, so Jest can exit on its own.
import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

afterAll(() => {
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
});
