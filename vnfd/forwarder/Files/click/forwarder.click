//VNF_HEADER
//VNF_VERSION: 1.0
//VNF_ID: b1bb0ce7-ebca-4fa7-95ed-4840d70a1177
//VNF_PROVIDER: Click-on-OSv Project
//VNF_NAME: forwarder
//VNF_RELEASE_DATE: 2026-11-23 00:00
//VNF_RELEASE_VERSION: 1.0
//VNF_RELEASE_LIFESPAN: 2031-11-23 00:00
//VNF_DESCRIPTION: Forwards packets between DPDK ports 0 and 1 in both directions (the RFC 2544 function)

// The management NIC (eth0) belongs to OSv; DPDK owns the data ports 0 and 1.
require(dpdk);

FromDPDKDevice(0) -> c_in0 :: Counter -> c_out1 :: Counter -> ToDPDKDevice(1);
FromDPDKDevice(1) -> c_in1 :: Counter -> c_out0 :: Counter -> ToDPDKDevice(0);
