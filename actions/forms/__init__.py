"""Forms that do something for the citizen — 预约, 申办, 办件进度, 投诉/建议 (12345 工单), 好差评 — each
ending in a submission to the platform (actions/platform/)."""
