//VNF_HEADER
//VNF_VERSION: 1.0
//VNF_ID: e1bb0ce7-ebca-4fa7-95ed-4840d70a4477
//VNF_PROVIDER: Click-on-OSv Project
//VNF_NAME: load-balancer
//VNF_RELEASE_DATE: 2026-11-23 00:00
//VNF_RELEASE_VERSION: 1.0
//VNF_RELEASE_LIFESPAN: 2031-11-23 00:00
//VNF_DESCRIPTION: Round-robin load balancer: spreads packets from port 0 over three backend queues sent out of port 1

require(dpdk);

elementclass Backend { $name |
  input -> Queue(256) -> output;
}

FromDPDKDevice(0) -> c_in0 :: Counter -> rr :: RoundRobinSwitch;
rr[0] -> b0 :: Backend(b0) -> [0] sched :: RoundRobinSched;
rr[1] -> b1 :: Backend(b1) -> [1] sched;
rr[2] -> b2 :: Backend(b2) -> [2] sched;
sched -> c_out1 :: Counter -> ToDPDKDevice(1);

FromDPDKDevice(1) -> c_in1 :: Counter -> c_out0 :: Counter -> ToDPDKDevice(0);
