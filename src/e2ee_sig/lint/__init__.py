"""``e2ee-sig lint``: rules over the shared document model, an engine and reporters."""
