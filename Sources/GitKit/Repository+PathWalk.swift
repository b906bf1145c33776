extension Repository {
    /// One history question about a path: the commit accountable for what `path` is in `head`
    /// (SPEC §3; see `accountableChange(of:from:)`) and, up to `limit`, the ones accountable for
    /// its earlier states (as `accountableChanges(of:from:limit:)`). `path` may be a file or a
    /// directory.
    public struct PathQuestion: Hashable, Sendable {
        public let path: String
        public let head: ObjectID
        /// How many successive accountable changes to find; 1: only the accountable change.
        public let limit: Int

        public init(path: String, from head: ObjectID, limit: Int = 1) {
            self.path = path
            self.head = head
            self.limit = limit
        }
    }

    /// Answers many path questions in one walk: each question follows exactly the walk of
    /// `accountableChange(of:from:)` (one step per commit, the same `step` rule, the same
    /// known answers and `keptAnswers`), but questions standing on the same commit share its
    /// parents and trees, commits are visited newest first so that questions that parted at a
    /// merge (one went into the side branch) meet again, and the walk stops when every
    /// question is answered. A non-merge commit whose changed-path Bloom filter (commit-graph)
    /// rules a path out moves that question to the parent without reading a tree.
    ///
    /// - Returns: for each question, its accountable changes newest first (at most `limit`;
    ///   empty when the path is absent all along the walk, or `limit` < 1).
    public func accountableChanges(for questions: [PathQuestion]) throws(GitError) -> [PathQuestion: [ObjectID]] {
        var walk = PathWalk(repository: self)
        return try walk.run(questions)
    }

    /// `accountableChange(of:from:)` of each path, in one walk.
    public func accountableChanges(of paths: [String], from head: ObjectID) throws(GitError) -> [String: ObjectID?] {
        let answers = try accountableChanges(for: paths.map { PathQuestion(path: $0, from: head) })
        var result: [String: ObjectID?] = [:]
        for path in paths { result[path] = .some(answers[PathQuestion(path: path, from: head)]?.first) }
        return result
    }

    /// `lastChange(of:from:)` of each path, in one walk: nil for a path where `head` holds no file.
    public func lastChanges(of paths: [String], from head: ObjectID) throws(GitError) -> [String: ObjectID?] {
        var files: [String] = []
        var result: [String: ObjectID?] = [:]
        for path in paths {
            if try blobID(atPath: path, inCommit: head) != nil { files.append(path) } else { result[path] = .some(nil) }
        }
        for (path, answer) in try accountableChanges(of: files, from: head) { result[path] = .some(answer) }
        return result
    }
}

/// The state of `accountableChanges(for:)`.
struct PathWalk {
    /// A commit the walk stands on; `position` when the commit-graph holds it.
    struct Commit {
        let id: ObjectID
        let position: CommitGraph.Position?
    }

    /// One question under way.
    struct Walker {
        let question: Repository.PathQuestion
        let prefixes: [String]
        let keys: CommitGraph.ChangedPathKeys?
        /// Where the current walk started: the head, then the first parent of each change found.
        var start: ObjectID
        var steps = 0
        var found: [ObjectID] = []
    }

    let repository: Repository
    let graph: CommitGraph?
    var walkers: [Walker] = []
    /// The walkers standing on each commit of the frontier.
    var waiting: [ObjectID: [Int]] = [:]
    /// The frontier, newest commit first.
    var heap: [(time: Int64, commit: Commit)] = []

    init(repository: Repository) {
        self.repository = repository
        self.graph = repository.commitGraph
    }

    mutating func run(_ questions: [Repository.PathQuestion]) throws(GitError) -> [Repository.PathQuestion: [ObjectID]] {
        var result: [Repository.PathQuestion: [ObjectID]] = [:]
        for question in questions where result[question] == nil {
            result[question] = []
            guard question.limit > 0 else { continue }
            walkers.append(Walker(question: question, prefixes: Repository.prefixes(of: question.path),
                                  keys: graph?.changedPathKeys(for: question.path), start: question.head))
            try place(walkers.count - 1, on: commit(question.head))
        }
        while let next = pop() {
            guard let group = waiting.removeValue(forKey: next.id) else { continue }
            try advance(group, at: next)
        }
        for walker in walkers { result[walker.question] = walker.found }
        return result
    }

    private func commit(_ id: ObjectID) -> Commit {
        Commit(id: id, position: graph?.lookup(id))
    }

    // MARK: One commit

    private mutating func advance(_ group: [Int], at commit: Commit) throws(GitError) {
        var active: [Int] = []
        for index in group {
            walkers[index].steps += 1
            // A cycle is impossible in git (a hostile graph could make one); this bounds the walk.
            if walkers[index].steps > 10_000_000 {
                try answer(index, commit.id, known: false)
                continue
            }
            // The walk from here is the walk from `commit`: a known answer for it is the answer.
            if let known = repository.knownLastChange(of: walkers[index].question.path, from: commit.id) {
                try answer(index, known, known: walkers[index].steps == 1)
                continue
            }
            active.append(index)
        }
        guard !active.isEmpty else { return }
        let parents = try self.parents(of: commit)
        guard let first = parents.first else {
            let tree = try repository.tree(of: commit.id, at: commit.position)
            for index in active {
                let holds = try repository.entryID(walkers[index].question.path, in: tree) != nil
                try answer(index, holds ? commit.id : nil, known: false)
            }
            return
        }
        if parents.count == 1, let graph, let position = commit.position {
            var undecided: [Int] = []
            for index in active {
                if let keys = walkers[index].keys, graph.mayHaveChanged(keys, at: position) == .no {
                    try place(index, on: first)
                } else {
                    undecided.append(index)
                }
            }
            active = undecided
            guard !active.isEmpty else { return }
        }
        let tree = try repository.tree(of: commit.id, at: commit.position)
        if parents.count == 1 {
            let parentTree = try repository.tree(of: first.id, at: first.position)
            for index in active {
                if try repository.sameEntry(walkers[index].prefixes, in: tree, and: parentTree) {
                    try place(index, on: first)
                } else {
                    try answer(index, commit.id, known: false)
                }
            }
            return
        }
        let parentIDs = parents.map(\.id)
        for index in active {
            switch try repository.step(walkers[index].prefixes, commit: commit.id, tree: tree, parents: parentIDs).step {
            case .same(let parent), .mergedFrom(let parent):
                try place(index, on: parents.first { $0.id == parent } ?? self.commit(parent))
            case .accountable:
                try answer(index, commit.id, known: false)
            }
        }
    }

    private func parents(of commit: Commit) throws(GitError) -> [Commit] {
        if let graph, let position = commit.position {
            return graph.parents(at: position).map { Commit(id: graph.objectID(at: $0), position: $0) }
        }
        return try repository.parents(of: commit.id).map(self.commit)
    }

    /// The walker's current walk ends with `answer`: remember it for the walk's start (unless
    /// it was known there already), then walk on from the change's first parent while the
    /// question wants more.
    private mutating func answer(_ index: Int, _ answer: ObjectID?, known: Bool) throws(GitError) {
        let path = walkers[index].question.path
        if !known { repository.remember(lastChange: answer, of: path, from: walkers[index].start) }
        guard let answer else { return }
        walkers[index].found.append(answer)
        guard walkers[index].found.count < walkers[index].question.limit,
              let parent = try parents(of: commit(answer)).first else { return }
        walkers[index].start = parent.id
        walkers[index].steps = 0
        try place(index, on: parent)
    }

    // MARK: The frontier

    private mutating func place(_ index: Int, on commit: Commit) throws(GitError) {
        if waiting[commit.id] != nil {
            waiting[commit.id]!.append(index)
            return
        }
        waiting[commit.id] = [index]
        let time: Int64
        if let graph, let position = commit.position {
            time = graph.commitTime(at: position)
        } else {
            time = try repository.commitTime(of: commit.id)
        }
        heap.append((time, commit))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard PathWalk.newer(heap[child], than: heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() -> Commit? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var newest = parent
            if left < heap.count, PathWalk.newer(heap[left], than: heap[newest]) { newest = left }
            if right < heap.count, PathWalk.newer(heap[right], than: heap[newest]) { newest = right }
            if newest == parent { break }
            heap.swapAt(parent, newest)
            parent = newest
        }
        return top.commit
    }

    private static func newer(_ a: (time: Int64, commit: Commit), than b: (time: Int64, commit: Commit)) -> Bool {
        a.time != b.time ? a.time > b.time : a.commit.id.hex > b.commit.id.hex
    }
}
