package dev.gamehistory.loader.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/** {@link LoaderWork#direct()}: tasks run on their executor as they come, waits block on a latch. */
final class DirectWork implements LoaderWork {

  static final DirectWork INSTANCE = new DirectWork();

  private DirectWork() {}

  @Override
  public void execute(Executor executor, Runnable task) {
    executor.execute(task);
  }

  @Override
  public Pause pause() {
    CountDownLatch woken = new CountDownLatch(1);
    return new Pause() {
      @Override
      public void wake() {
        woken.countDown();
      }

      @Override
      public void await() throws InterruptedException {
        woken.await();
      }
    };
  }

  @Override
  public <T> T join(CompletableFuture<T> future) throws InterruptedException, ExecutionException {
    return future.get();
  }

  @Override
  public String toString() {
    return "LoaderWork.direct()";
  }
}
