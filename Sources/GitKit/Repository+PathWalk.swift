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
        let answers = try walk.run(questions)
        // Questions of more than one change are remembered whole: a run asks them in one walk
        // up front, and its rules ask again one by one (`accountableChanges(of:from:limit:)`).
        for (question, changes) in answers where question.limit > 1 { memo.successiveChanges[question] = changes }
        return answers
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
    /// A commit the walk stands on: by its commit-graph position when the graph holds it (its
    /// id is then made only when needed: an answer, a merge, a known answer to look up).
    struct Commit {
        let position: CommitGraph.Position?
        private let knownID: ObjectID?

        init(_ id: ObjectID, in graph: CommitGraph?) {
            knownID = id
            position = graph?.lookup(id)
        }

        init(_ position: CommitGraph.Position) {
            knownID = nil
            self.position = position
        }

        func id(_ graph: CommitGraph?) -> ObjectID {
            if let knownID { return knownID }
            return graph!.objectID(at: position!)  // a commit without id has a position in `graph`
        }

        enum Key: Hashable {
            case position(UInt32)
            case id(ObjectID)
        }

        /// Its identity in the frontier (a commit the graph holds always has its position).
        var key: Key { position.map { .position($0.value) } ?? .id(knownID!) }
    }

    /// One question under way.
    struct Walker {
        let question: Repository.PathQuestion
        let prefixes: [String]
        var keys: CommitGraph.ChangedPathKeys?
        /// Where the current walk started: the head, then the first parent of each change found.
        var start: ObjectID
        var steps = 0
        var found: [ObjectID] = []
    }

    /// Steps after which a walk opens the commit-graph (if nothing opened it before): 256
    /// steps without it cost about 5 ms, opening it 5–25 ms (10,000–100,000 commits), so a
    /// short walk (a pre-commit check from kept answers) never pays and a long one little.
    static let stepsBeforeGraph = 256

    let repository: Repository
    /// The commit-graph once open (commits placed before keep their ids; that is all).
    var graph: CommitGraph?
    var steps = 0
    var walkers: [Walker] = []
    /// The walkers standing on each commit of the frontier.
    var waiting: [Commit.Key: [Int]] = [:]
    /// The frontier, newest commit first.
    var heap: [(time: Int64, commit: Commit)] = []

    init(repository: Repository) {
        self.repository = repository
        self.graph = repository.openedCommitGraph
    }

    /// Opens the commit-graph when the walk has become long.
    private mutating func openGraphIfLong() {
        steps += 1
        guard steps == PathWalk.stepsBeforeGraph, graph == nil, let opened = repository.commitGraph else { return }
        graph = opened
        for index in walkers.indices { walkers[index].keys = opened.changedPathKeys(for: walkers[index].question.path) }
    }

    mutating func run(_ questions: [Repository.PathQuestion]) throws(GitError) -> [Repository.PathQuestion: [ObjectID]] {
        var result: [Repository.PathQuestion: [ObjectID]] = [:]
        for question in questions where result[question] == nil {
            result[question] = []
            guard question.limit > 0 else { continue }
            walkers.append(Walker(question: question, prefixes: Repository.prefixes(of: question.path),
                                  keys: graph?.changedPathKeys(for: question.path), start: question.head))
            try place(walkers.count - 1, on: Commit(question.head, in: graph))
        }
        while let next = pop() {
            guard let group = waiting.removeValue(forKey: next.key) else { continue }
            openGraphIfLong()
            try advance(group, at: next)
        }
        for walker in walkers { result[walker.question] = walker.found }
        return result
    }

    // MARK: One commit

    private mutating func advance(_ group: [Int], at commit: Commit) throws(GitError) {
        var active: [Int] = []
        active.reserveCapacity(group.count)
        for index in group {
            walkers[index].steps += 1
            // A cycle is impossible in git (a hostile graph could make one); this bounds the walk.
            if walkers[index].steps > 10_000_000 {
                try answer(index, commit.id(graph), known: false)
                continue
            }
            // The walk from here is the walk from `commit`: a known answer for it is the answer.
            let path = walkers[index].question.path
            if repository.mayKnowLastChanges(of: path), let known = repository.knownLastChange(of: path, from: commit.id(graph)) {
                try answer(index, known, known: walkers[index].steps == 1)
                continue
            }
            active.append(index)
        }
        guard !active.isEmpty else { return }
        let parents = try self.parents(of: commit)
        guard let first = parents.first else {
            let tree = try self.tree(of: commit)
            for index in active {
                let holds = try repository.entryID(walkers[index].question.path, in: tree) != nil
                try answer(index, holds ? commit.id(graph) : nil, known: false)
            }
            return
        }
        if parents.count == 1, let graph, let position = commit.position {
            var undecided: [Int] = []
            var ruledOut: [Int] = []
            for index in active {
                if let keys = walkers[index].keys, graph.mayHaveChanged(keys, at: position) == .no {
                    ruledOut.append(index)
                } else {
                    undecided.append(index)
                }
            }
            if !ruledOut.isEmpty { try place(ruledOut, on: first) }
            active = undecided
            guard !active.isEmpty else { return }
        }
        let tree = try self.tree(of: commit)
        if parents.count == 1 {
            let parentTree = try self.tree(of: first)
            for index in active {
                if try repository.sameEntry(walkers[index].prefixes, in: tree, and: parentTree) {
                    try place(index, on: first)
                } else {
                    try answer(index, commit.id(graph), known: false)
                }
            }
            return
        }
        let id = commit.id(graph)
        let parentIDs = parents.map { $0.id(graph) }
        for index in active {
            switch try repository.step(walkers[index].prefixes, commit: id, tree: tree, parents: parentIDs).step {
            case .same(let parent), .mergedFrom(let parent):
                let next = parentIDs.firstIndex(of: parent).map { parents[$0] } ?? Commit(parent, in: graph)
                try place(index, on: next)
            case .accountable:
                try answer(index, id, known: false)
            }
        }
    }

    private func parents(of commit: Commit) throws(GitError) -> [Commit] {
        if let graph, let position = commit.position {
            return graph.parents(at: position).map(Commit.init)
        }
        return try repository.parents(of: commit.id(graph)).map { Commit($0, in: graph) }
    }

    private func tree(of commit: Commit) throws(GitError) -> TreeHandle {
        if let graph, let position = commit.position {
            return try TreeHandle.lookup(graph.rootTree(at: position), in: repository.handle)
        }
        return try repository.commitTree(commit.id(graph))
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
              let parent = try parents(of: Commit(answer, in: graph)).first else { return }
        walkers[index].start = parent.id(graph)
        walkers[index].steps = 0
        try place(index, on: parent)
    }

    // MARK: The frontier

    private mutating func place(_ index: Int, on commit: Commit) throws(GitError) {
        try place([index], on: commit)
    }

    private mutating func place(_ indices: [Int], on commit: Commit) throws(GitError) {
        let key = commit.key
        if waiting[key] != nil {
            waiting[key]!.append(contentsOf: indices)
            return
        }
        waiting[key] = indices
        let time: Int64
        if let graph, let position = commit.position {
            time = graph.commitTime(at: position)
        } else {
            time = try repository.commitTime(of: commit.id(graph))
        }
        heap.append((time, commit))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].time > heap[parent].time else { break }
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
            if left < heap.count, heap[left].time > heap[newest].time { newest = left }
            if right < heap.count, heap[right].time > heap[newest].time { newest = right }
            if newest == parent { break }
            heap.swapAt(parent, newest)
            parent = newest
        }
        return top.commit
    }
}
