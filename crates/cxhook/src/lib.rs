//! cxhook
