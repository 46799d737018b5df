using System.Collections.Concurrent;
using FinBackup.Domain.Files;

namespace FinBackup.Tests.Files;

/// <summary>
/// Issue 14 (round 15): the backup's uploads run from one queue, at most Parallelism at once, packs (held in memory, the
/// walk waits for them) before chunks (read from their files when sent).
/// </summary>
public sealed class UploadQueueTests
{
    /// <summary>Uploads that block until released, recording how many run at once.</summary>
    private sealed class Gate
    {
        private int _running;
        public int MaxRunning;
        public readonly ConcurrentQueue<string> Started = new();
        private readonly SemaphoreSlim _release = new(0);

        public Action Upload(string name) => () =>
        {
            var r = Interlocked.Increment(ref _running);
            lock (this) MaxRunning = Math.Max(MaxRunning, r);
            Started.Enqueue(name);
            Assert.True(_release.Wait(TimeSpan.FromSeconds(30)), "not released");
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
    public void No_more_than_the_limit_run_at_once_and_a_waiting_pack_takes_the_next_free_slot()
    {
        var queue = new UploadQueue(4);
        var gate = new Gate();
        var chunks = Enumerable.Range(0, 10).Select(i => queue.Enqueue(gate.Upload("chunk" + i), heldInMemory: false)).ToList();
        gate.WaitStarted(4);
        Thread.Sleep(50);
        Assert.Equal(4, gate.Started.Count);

        var pack = queue.Enqueue(gate.Upload("pack"), heldInMemory: true);
        Thread.Sleep(50);
        Assert.Equal(4, gate.Started.Count); // every slot is taken: the pack waits
        gate.Release(1);
        gate.WaitStarted(5);
        Assert.Equal("pack", gate.Started.Last()); // before the six chunks queued ahead of it

        gate.Release(100);
        Assert.True(Task.WaitAll(chunks.Append(pack).ToArray(), TimeSpan.FromSeconds(30)));
        Assert.Equal(11, gate.Started.Count);
        Assert.Equal(4, gate.MaxRunning);
        Assert.Equal(0, queue.Pending);
    }

    [Fact]
    public void Waiting_packs_go_before_waiting_chunks()
    {
        var queue = new UploadQueue(2);
        var gate = new Gate();
        var tasks = new List<Task>
        {
            queue.Enqueue(gate.Upload("pack0"), heldInMemory: true),
            queue.Enqueue(gate.Upload("pack1"), heldInMemory: true),
        };
        gate.WaitStarted(2);
        tasks.Add(queue.Enqueue(gate.Upload("chunkA"), heldInMemory: false));
        tasks.Add(queue.Enqueue(gate.Upload("chunkB"), heldInMemory: false));
        tasks.Add(queue.Enqueue(gate.Upload("pack2"), heldInMemory: true));

        gate.Release(1);
        gate.WaitStarted(3);
        Assert.Equal("pack2", gate.Started.ElementAt(2)); // queued last, started first

        gate.Release(100);
        Assert.True(Task.WaitAll(tasks.ToArray(), TimeSpan.FromSeconds(30)));
        Assert.Equal(new[] { "chunkA", "chunkB" }, gate.Started.Skip(3).OrderBy(n => n).ToArray()); // then the chunks
        Assert.True(gate.MaxRunning <= 2);
    }

    [Fact]
    public void With_one_slot_chunks_still_upload_one_at_a_time()
    {
        var queue = new UploadQueue(1);
        var gate = new Gate();
        var tasks = Enumerable.Range(0, 5).Select(i => queue.Enqueue(gate.Upload("chunk" + i), heldInMemory: false)).ToArray();
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
