using System.Collections.Concurrent;
using FinBackup.Domain.Files;

namespace FinBackup.Tests.Files;

/// <summary>
/// Issue 14 (round 15): the backup's uploads run from one queue, at most Parallelism at once, packs (held in memory, the
/// walk waits for them) before chunks (read from their files when sent), and chunks never in every slot, so that the walk
/// of small files goes on while large files' chunks upload.
/// </summary>
public sealed class UploadQueueTests
{
    /// <summary>Uploads that block until released, recording how many run at once (all, and chunks).</summary>
    private sealed class Gate
    {
        private int _running, _runningChunks;
        public int MaxRunning, MaxRunningChunks;
        public readonly ConcurrentQueue<string> Started = new();
        private readonly SemaphoreSlim _release = new(0);

        public Action Upload(string name, bool chunk) => () =>
        {
            var r = Interlocked.Increment(ref _running);
            var c = chunk ? Interlocked.Increment(ref _runningChunks) : Volatile.Read(ref _runningChunks);
            lock (this) { MaxRunning = Math.Max(MaxRunning, r); MaxRunningChunks = Math.Max(MaxRunningChunks, c); }
            Started.Enqueue(name);
            Assert.True(_release.Wait(TimeSpan.FromSeconds(30)), "not released");
            if (chunk) Interlocked.Decrement(ref _runningChunks);
            Interlocked.Decrement(ref _running);
        };

        public void Release(int n) => _release.Release(n);

        public void WaitStarted(int n)
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (Started.Count < n) { Assert.True(DateTime.UtcNow < until, $"{Started.Count} of {n} started"); Thread.Sleep(5); }
        }
    }

    [Fact]
    public void Chunks_take_all_slots_but_one_and_a_pack_starts_at_once_beside_them()
    {
        var queue = new UploadQueue(4);
        var gate = new Gate();
        var chunks = Enumerable.Range(0, 10).Select(i => queue.Enqueue(gate.Upload("chunk" + i, chunk: true), heldInMemory: false)).ToList();
        gate.WaitStarted(3);
        Thread.Sleep(50);
        Assert.Equal(3, gate.Started.Count); // the fourth slot stays free for a pack

        var pack = queue.Enqueue(gate.Upload("pack", chunk: false), heldInMemory: true);
        gate.WaitStarted(4);
        Assert.Equal("pack", gate.Started.Last()); // did not wait for a chunk to end

        gate.Release(100);
        Task.WaitAll(chunks.Append(pack).ToArray(), TimeSpan.FromSeconds(30));
        Assert.Equal(11, gate.Started.Count);
        Assert.True(gate.MaxRunning <= 4, $"{gate.MaxRunning} at once");
        Assert.Equal(3, gate.MaxRunningChunks);
    }

    [Fact]
    public void Waiting_packs_go_before_waiting_chunks()
    {
        var queue = new UploadQueue(2);
        var gate = new Gate();
        var tasks = new List<Task>
        {
            queue.Enqueue(gate.Upload("pack0", chunk: false), heldInMemory: true),
            queue.Enqueue(gate.Upload("pack1", chunk: false), heldInMemory: true),
        };
        gate.WaitStarted(2);
        tasks.Add(queue.Enqueue(gate.Upload("chunkA", chunk: true), heldInMemory: false));
        tasks.Add(queue.Enqueue(gate.Upload("chunkB", chunk: true), heldInMemory: false));
        tasks.Add(queue.Enqueue(gate.Upload("pack2", chunk: false), heldInMemory: true));

        gate.Release(1);
        gate.WaitStarted(3);
        Assert.Equal("pack2", gate.Started.ElementAt(2)); // queued last, started first

        gate.Release(100);
        Assert.True(Task.WaitAll(tasks.ToArray(), TimeSpan.FromSeconds(30)));
        Assert.Equal(new[] { "chunkA", "chunkB" }, gate.Started.Skip(3).ToArray()); // chunks in their turn
        Assert.True(gate.MaxRunning <= 2);
    }

    [Fact]
    public void With_one_slot_chunks_still_upload_one_at_a_time()
    {
        var queue = new UploadQueue(1);
        var gate = new Gate();
        var tasks = Enumerable.Range(0, 5).Select(i => queue.Enqueue(gate.Upload("chunk" + i, chunk: true), heldInMemory: false)).ToArray();
        gate.Release(100);
        Assert.True(Task.WaitAll(tasks, TimeSpan.FromSeconds(30)));
        Assert.Equal(1, gate.MaxRunning);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => "chunk" + i), gate.Started);
    }

    [Fact]
    public void An_upload_that_throws_faults_its_own_task_and_the_queue_goes_on()
    {
        var queue = new UploadQueue(1);
        var ran = 0;
        var failing = queue.Enqueue(() => throw new IOException("refused (test)"), heldInMemory: false);
        var next = queue.Enqueue(() => Interlocked.Increment(ref ran), heldInMemory: false);

        var ex = Assert.Throws<AggregateException>(() => failing.Wait(TimeSpan.FromSeconds(30)));
        Assert.IsType<IOException>(ex.InnerException);
        Assert.True(next.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, ran);
        Assert.Equal(0, queue.Pending);
    }
}
