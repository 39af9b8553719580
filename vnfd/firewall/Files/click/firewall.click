//VNF_HEADER
//VNF_VERSION: 1.0
//VNF_ID: c1bb0ce7-ebca-4fa7-95ed-4840d70a2277
//VNF_PROVIDER: Click-on-OSv Project
//VNF_NAME: firewall
//VNF_RELEASE_DATE: 2026-11-23 00:00
//VNF_RELEASE_VERSION: 1.0
//VNF_RELEASE_LIFESPAN: 2031-11-23 00:00
//VNF_DESCRIPTION: Stateless firewall: lets web, DNS and ICMP through from port 0 to port 1, drops the rest

require(dpdk);

// Port 0 (inside) -> port 1 (outside): ARP passes, IP is filtered.
in0 :: FromDPDKDevice(0) -> c_in0 :: Counter
  -> cls0 :: Classifier(12/0806, 12/0800, -);
cls0[0] -> arp01 :: Counter -> out1 :: Queue(1024);
cls0[1] -> Strip(14) -> CheckIPHeader -> fw :: IPFilter(
    allow tcp && dst port 80,
    allow tcp && dst port 443,
    allow udp && dst port 53,
    allow icmp,
    deny all)
  -> Unstrip(14) -> c_out1 :: Counter -> out1;
cls0[2] -> Discard;
out1 -> ToDPDKDevice(1);

// Port 1 (outside) -> port 0: replies and ARP pass back.
FromDPDKDevice(1) -> c_in1 :: Counter -> c_out0 :: Counter -> ToDPDKDevice(0);
