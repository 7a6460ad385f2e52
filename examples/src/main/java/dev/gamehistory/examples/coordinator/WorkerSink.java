package dev.gamehistory.examples.coordinator;

/** Where the coordinator sends each player's {@link WorkerMessage}: a queue, a topic, a thread pool. */
@FunctionalInterface
public interface WorkerSink {

  /** Hands one message on; called once per player of the slate, from the coordinator's thread. */
  void send(WorkerMessage message);
}
