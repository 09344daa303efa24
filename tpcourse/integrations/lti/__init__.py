"""tpcourse as an LTI 1.3 Advantage tool: keys, registrations, launches, deep linking, grades
(AGS) and rosters (NRPS). One module per concern; see docs/integrations.md."""
