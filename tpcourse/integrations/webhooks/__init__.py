"""Webhooks: a school's systems hear about completions, grades and enrolments.

Signed per the Standard Webhooks specification with its library (`standardwebhooks`): each
message carries `webhook-id` (the event id, the same on every retry and redelivery, for the
receiver to drop duplicates), `webhook-timestamp` and `webhook-signature`. One module per
concern: `secrets` (endpoint secrets, encrypted at rest), `addresses` (which receivers may be
called), `transport` (the HTTP request), `events` (what happened, and to whom it goes),
`delivery` (the job, retries over about a day, the log), `endpoints` (school admins' settings).
See docs/webhooks.md.
"""
