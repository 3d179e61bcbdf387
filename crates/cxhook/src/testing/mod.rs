//! Test utilities (feature `test-util`): build webhook requests of every shape, call a
//! [`Router`](crate::Router) in-process through the same pipeline the server runs, and play
//! multi-turn conversations the way Dialogflow CX applies each reply.
