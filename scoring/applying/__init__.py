"""The applying stage (自主申报 → 市局推荐): a batch opened for applications, units' drafts, submission, the city
bureau's review and the handover into the batch."""
