# The OSv module of click-osv-vnfm's Click-on-OSv image (our own definition).
# Boots the management REST API (port 8000) and Click through our launcher, which sends Click's
# error output to /click_errors.txt: the osv-controlsocket agent reads Click's errors from that file.
from osv.modules import api

api.require('httpserver-api')

# ControlSocket on 8001 (the VNFD's controlsocket_port); the configuration the VNFM writes is /func.click
default = api.run('/click-launcher.so /click -p 8001 /func.click')
