//VNF_HEADER
//VNF_VERSION: 1.0
//VNF_ID: f1bb0ce7-ebca-4fa7-95ed-4840d70a5577
//VNF_PROVIDER: Click-on-OSv Project
//VNF_NAME: rate-limiter
//VNF_RELEASE_DATE: 2026-11-23 00:00
//VNF_RELEASE_VERSION: 1.0
//VNF_RELEASE_LIFESPAN: 2031-11-23 00:00
//VNF_DESCRIPTION: Rate limiter: shapes traffic from port 0 to port 1 to 100 Mbit/s

require(dpdk);
define($RATE 12500000);

FromDPDKDevice(0) -> c_in0 :: Counter -> q :: Queue(2048)
  -> shaper :: BandwidthShaper($RATE) -> c_out1 :: Counter -> ToDPDKDevice(1);
FromDPDKDevice(1) -> c_in1 :: Counter -> c_out0 :: Counter -> ToDPDKDevice(0);
