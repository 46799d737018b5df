using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace FinBackup.Domain.Files
{
    /// <summary>
    /// The uploads of one backup run: at most a given number at once (the run's Parallelism, the requests S3 sees), the rest
    /// waiting in a queue rather than on a thread each. Packs go before chunks: a pack's bytes are held in memory until its
    /// upload ends, and the walk of the small files waits for that memory, while a chunk holds nothing (its upload reads it
    /// from the open file). For the same reason chunks take at most all slots but one (when there are two or more): a pack
    /// never waits for a chunk's upload to end. So a walk of small files goes on while the chunks of the large files read
    /// before it still upload: the walk's disk and CPU work and the uploads overlap instead of following each other.
    /// </summary>
    internal sealed class UploadQueue
    {
        private readonly int _limit;
        private readonly object _gate = new object();
        private readonly Queue<Work> _held = new Queue<Work>();
        private readonly Queue<Work> _fromFile = new Queue<Work>();
        private readonly int _fromFileLimit;
        private int _running;
        private int _runningFromFile;

        public UploadQueue(int limit)
        {
            _limit = Math.Max(1, limit);
            _fromFileLimit = _limit == 1 ? 1 : _limit - 1;
        }

        /// <summary>Uploads running or waiting.</summary>
        public int Pending
        {
            get { lock (_gate) return _running + _held.Count + _fromFile.Count; }
        }

        /// <summary>
        /// Runs <paramref name="upload"/> when a slot is free: before every waiting chunk when <paramref name="heldInMemory"/>
        /// (a pack), else in turn. The task completes when it has run (faulted if it threw).
        /// </summary>
        public Task Enqueue(Action upload, bool heldInMemory)
        {
            var work = new Work(upload, heldInMemory);
            var start = false;
            lock (_gate)
            {
                if (_running < _limit && (heldInMemory || _runningFromFile < _fromFileLimit))
                {
                    _running++;
                    if (!heldInMemory) _runningFromFile++;
                    start = true;
                }
                else
                {
                    (heldInMemory ? _held : _fromFile).Enqueue(work);
                }
            }
            if (start) Task.Run(() => RunFrom(work));
            return work.Done.Task;
        }

        /// <summary>Runs one upload, then whatever waits, packs first, until nothing does; the slot then goes.</summary>
        private void RunFrom(Work work)
        {
            while (work != null)
            {
                try
                {
                    work.Upload();
                    work.Done.TrySetResult(true);
                }
                catch (Exception ex)
                {
                    work.Done.TrySetException(ex);
                }
                lock (_gate)
                {
                    if (!work.HeldInMemory) _runningFromFile--;
                    work = _held.Count > 0 ? _held.Dequeue()
                        : _fromFile.Count > 0 && _runningFromFile < _fromFileLimit ? _fromFile.Dequeue()
                        : null;
                    if (work == null) _running--;
                    else if (!work.HeldInMemory) _runningFromFile++;
                }
            }
        }

        private sealed class Work
        {
            public Work(Action upload, bool heldInMemory) { Upload = upload; HeldInMemory = heldInMemory; }
            public Action Upload { get; }
            public bool HeldInMemory { get; }
            public TaskCompletionSource<bool> Done { get; } = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
