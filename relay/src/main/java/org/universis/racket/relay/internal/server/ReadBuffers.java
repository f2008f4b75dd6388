package org.universis.racket.relay.internal.server;

import java.nio.ByteBuffer;

/**
 * The buffers a {@link WsConnection} reads into, one set per IO thread. Every connection of an IO
 * thread reads into that thread's {@link #shared} buffer, so an idle connection holds no buffer at
 * all; only the start of a frame that has not fully arrived is kept, in a buffer of its own. Safe
 * because reads are never nested: a message is handed up in place and the listener copies what it
 * keeps (the bodies of emits), and everything it triggers runs later as a task.
 */
final class ReadBuffers {

  /** A frame of the default limits (1 MiB event and slack) fits; a bigger buffer is not kept. */
  private static final int SPARE_BYTES = 2 << 20;
  private static final ThreadLocal<ByteBuffer> SHARED =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(64 * 1024));
  /**
   * One buffer per IO thread for an incomplete frame, lent to one connection at a time and given
   * back once its frames are read: a busy publisher's frames mostly straddle reads, and a new
   * buffer for each, zeroed and then filled, cost the relay as much as reading the frame (profiled).
   */
  private static final ThreadLocal<ByteBuffer[]> SPARE = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

  private ReadBuffers() {}

  /** This thread's shared buffer, cleared. */
  static ByteBuffer shared() {
    return SHARED.get().clear();
  }

  /** The capacity {@link #take} gives for {@code size} bytes: the spare's if it is big enough. */
  static int capacityFor(int size) {
    ByteBuffer spare = SPARE.get()[0];
    return spare != null && spare.capacity() >= size ? spare.capacity() : size;
  }

  /** An empty buffer of {@link #capacityFor} {@code size} bytes: the spare, or a new one. */
  static ByteBuffer take(int size) {
    ByteBuffer[] spare = SPARE.get();
    if (spare[0] == null || spare[0].capacity() < size) return ByteBuffer.allocate(size);
    ByteBuffer taken = spare[0].clear();
    spare[0] = null;
    return taken;
  }

  /** Gives back a taken buffer: the bigger of it and the spare is kept, up to 2 MiB. */
  static void giveBack(ByteBuffer buffer) {
    ByteBuffer[] spare = SPARE.get();
    if (buffer.capacity() <= SPARE_BYTES && (spare[0] == null || spare[0].capacity() < buffer.capacity())) {
      spare[0] = buffer;
    }
  }
}
