# The OSv module of click-osv-vnfm's Click-on-OSv image (our own definition), built by OSv's scripts/build:
#   scripts/build fs=zfs image=httpserver-api,click CLICK_BIN=/abs/path/to/click
# Boots the management REST API (port 8000, a daemon started before the command line) and Click through our
# launcher: ControlSocket on 8001 (the VNFD's controlsocket_port), hot reconfiguration on (-R: the `hotconfig`
# handler), the configuration the VNFM writes in /func.click, Click's errors in /click_errors.txt. The launcher
# never returns: when the boot command ends OSv powers off, and the VNFM stops and restarts Click (PUT /app/).
from osv.modules import api

api.require('httpserver-api')

default = api.run('/click-launcher.so -R -p 8001 /func.click')
