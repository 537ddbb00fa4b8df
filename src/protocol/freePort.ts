/** A TCP port free on 127.0.0.1 at the time of asking (for an inspector, or a test's unused address). */
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('the loopback interface gave no port'));
      });
    });
  });
}
