"""Idempotent Keystone catalog/users setup for the mini-cloud (one process, no CLI spawns).
Users are only created, never updated: re-setting a password would revoke the services' tokens.
usage: ks_setup.py ADMIN_PASSWORD SERVICE_PASSWORD
"""
import sys

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

IP = '127.0.0.1'
REGION = 'RegionOne'
admin_pw, pw = sys.argv[1], sys.argv[2]

auth = v3.Password(auth_url='http://%s:5000/v3' % IP, username='admin',
                   password=admin_pw, project_name='admin',
                   user_domain_name='Default', project_domain_name='Default')
ks = client.Client(session=session.Session(auth=auth), interface='public')


def one(items):
    return items[0] if items else None


def project(name, domain='default', desc=''):
    return one(ks.projects.list(name=name, domain=domain)) or \
        ks.projects.create(name=name, domain=domain, description=desc)


def role(name):
    return one(ks.roles.list(name=name)) or ks.roles.create(name=name)


def user(name, password, domain='default', project_=None):
    u = one(ks.users.list(name=name, domain=domain))
    if u:   # NB: re-setting the password would revoke the services' tokens
        return u
    return ks.users.create(name=name, password=password, domain=domain,
                           default_project=project_)


def grant(r, u, project_=None, domain=None):
    ks.roles.grant(r, user=u, project=project_, domain=domain)


default = ks.domains.get('default')
admin_role = role('admin')
member = role('member')
role('reader')
service_role = role('service')
role('heat_stack_owner')
role('heat_stack_user')
svc_project = project('service', desc='OpenStack services')
demo_project = project('demo', desc='unprivileged tests')

demo = user('demo', pw, project_=demo_project)
grant(member, demo, project_=demo_project)
grant(role('heat_stack_owner'), demo, project_=demo_project)
admin_user = one(ks.users.list(name='admin', domain='default'))
grant(role('heat_stack_owner'), admin_user, project_=project('admin'))

SERVICES = [
    # name, type, url
    ('glance', 'image', 'http://%s:9292' % IP),
    ('placement', 'placement', 'http://%s:8778' % IP),
    ('nova', 'compute', 'http://%s:8774/v2.1' % IP),
    ('neutron', 'network', 'http://%s:9696' % IP),
    ('heat', 'orchestration', 'http://%s:8004/v1/%%(project_id)s' % IP),
]
for name, stype, url in SERVICES:
    u = user(name, pw, project_=svc_project)
    grant(admin_role, u, project_=svc_project)
    grant(service_role, u, project_=svc_project)
    svc = one([s for s in ks.services.list(type=stype) if s.name == name]) or \
        ks.services.create(name=name, type=stype, description=name)
    eps = ks.endpoints.list(service=svc)
    for iface in ('public', 'internal', 'admin'):
        ep = one([e for e in eps if e.interface == iface])
        if ep is None:
            ks.endpoints.create(service=svc, url=url, interface=iface, region=REGION)
        elif ep.url != url:
            ks.endpoints.update(ep, url=url)

# heat stack-user domain (needed for wait conditions / software deployments)
heat_dom = one(ks.domains.list(name='heat')) or \
    ks.domains.create(name='heat', description='Heat stack users')
hda = user('heat_domain_admin', pw, domain=heat_dom)
grant(admin_role, hda, domain=heat_dom)
print('keystone setup ok')
