/**
 * The lab's addressing plan, shared by the pure sequences and the kernel lab: the client side
 * of the router is 10.77.1.0/24 (fd00:77:1::/64), the server side 10.77.2.0/24
 * (fd00:77:2::/64). Backends are the DNAT targets; the VIP is a service address that only
 * exists in NAT rules.
 */
export const LAB_ADDRESSES = {
  4: {
    routerClientSide: '10.77.1.1',
    routerServerSide: '10.77.2.1',
    client: '10.77.1.2',
    server: '10.77.2.2',
    vip: '10.77.2.100',
    backends: ['10.77.2.11', '10.77.2.12', '10.77.2.13'],
    prefix: 24,
  },
  6: {
    routerClientSide: 'fd00:77:1::1',
    routerServerSide: 'fd00:77:2::1',
    client: 'fd00:77:1::2',
    server: 'fd00:77:2::2',
    vip: 'fd00:77:2::100',
    backends: ['fd00:77:2::11', 'fd00:77:2::12', 'fd00:77:2::13'],
    prefix: 64,
  },
} as const;

/** Port REDIRECT rules send to on the router (nothing listens: the router drops its own TCP). */
export const REDIRECT_PORT = 15001;
/** Port the backends "listen" on behind DNAT. */
export const BACKEND_PORT = 8080;

/** The router's interface names (client side, server side), as NAT and logs see them. */
export const ROUTER_INTERFACES = { clientSide: 'nmr-c', serverSide: 'nmr-s' } as const;
