//VNF_HEADER
//VNF_VERSION: 1.0
//VNF_ID: 00000000-0000-4000-8000-000000000000
//VNF_PROVIDER: click-osv-vnfm
//VNF_NAME: idle
//VNF_RELEASE_DATE: 2026-11-24 00:00
//VNF_RELEASE_VERSION: 1.0
//VNF_RELEASE_LIFESPAN: 2031-11-24 00:00
//VNF_DESCRIPTION: The configuration the image boots with: does nothing until the VNFM writes the VNF's own
Idle -> Discard;
