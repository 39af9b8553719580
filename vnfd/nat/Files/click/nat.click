//VNF_HEADER
//VNF_VERSION: 1.0
//VNF_ID: d1bb0ce7-ebca-4fa7-95ed-4840d70a3377
//VNF_PROVIDER: Click-on-OSv Project
//VNF_NAME: nat
//VNF_RELEASE_DATE: 2026-11-23 00:00
//VNF_RELEASE_VERSION: 1.0
//VNF_RELEASE_LIFESPAN: 2031-11-23 00:00
//VNF_DESCRIPTION: Source NAT: rewrites flows from port 0 to the public address 203.0.113.10 on port 1

require(dpdk);
define($PUBLIC 203.0.113.10, $PORTS 1024-65535);

// Input 0: flows from the inside get a new source; input 1: replies from the outside are mapped back.
rw :: IPRewriter(pattern $PUBLIC $PORTS - - 0 1, drop);

FromDPDKDevice(0) -> c_in0 :: Counter -> Strip(14) -> CheckIPHeader -> [0] rw;
FromDPDKDevice(1) -> c_in1 :: Counter -> Strip(14) -> CheckIPHeader -> [1] rw;
rw[0] -> Unstrip(14) -> c_out1 :: Counter -> ToDPDKDevice(1);
rw[1] -> Unstrip(14) -> c_out0 :: Counter -> ToDPDKDevice(0);
