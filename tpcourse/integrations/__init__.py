"""Integrations with systems outside tpcourse: one subpackage each (LTI, single sign-on, webhooks).

Same layer as `tpcourse.services`: protocol handling comes from a library; what lives here is
tpcourse's part (mapping identities, roles, enrolments and grades), one module per concern
(keys, launch, grades, roster). Views that speak the protocol live in `tpcourse/web/`.
"""
