import { CloudAddressPool } from './cloud-addresses';

describe('CloudAddressPool', () => {
  it("by default hands out loopback addresses outside the mini-cloud's management subnet (127.20.0.0/16)", async () => {
    const pool = new CloudAddressPool({ addressing: 'loopback' });
    const a = await pool.allocate();
    const b = await pool.allocate();
    expect(a).toEqual({ address: '127.24.0.2', port: 8000, controlPort: 8001 });
    expect(b.address).toBe('127.24.0.3');
    // one given back is handed out again
    pool.release(a);
    expect((await pool.allocate()).address).toBe('127.24.0.2');
  });
});
