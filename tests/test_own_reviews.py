"""Reviews written for qtcheck (tests/reviews/own/), in shapes the seeds and the bench do not have: inline comments
in every spelling, a table, a suggestion block, quoted code, questions, praise, concessives, nested bullets,
headings, German prose around code names, `->`/`.`/`::` spellings, wrong and outside lines, invented names.

Each claim: its verdict, its evidence lines (None: not asserted, the claim is unverifiable with none), and what
the reader said of the code (the polarity of the first part), so a misreading shows as a failing test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qtcheck import prose, verdicts
from qtcheck.review_input import read_review
from conftest import EXAMPLE, FIXTURES, analyze, builtin_rules

OWN = Path(__file__).resolve().parent / "reviews" / "own"
LAYOUTS = FIXTURES / "rules" / "unowned-qobject-allocation" / "silent_layouts.cpp"

STATES = "what it states of the code: "  # an attribute part: the claim's own statement is asked
PROBLEM, FINE, UNSURE, NOTHING = "the code has this problem", "the code is fine here", "could not tell", \
    "nothing qtcheck can ask: no rule's phrases, CWE ids or names match it"

# review -> [(quote starts with, verdict, evidence lines, what the first part says of the code)]
EXPECTED = {
    "01_inline_L.md": [
        ('L44: server->listen("foo") drops its result', "confirmed", [44], PROBLEM),
        ("L119: qDebug in a benchmark slot", "unverifiable", [], UNSURE),          # names qDebug, says nothing of it
        ("L35-46 - the server is created with new", "refuted", [35, 46], STATES + 'early_exit True'),  # no early return between them
    ],
    "02_file_colon.md": [
        ("tst_localsocket_bench.cpp:44: The return value of listen()", "confirmed", [44], PROBLEM),
        ("tst_localsocket_bench.cpp:142 - QElapsedTimer timer is declared but never used", "refuted",
         [142, 143, 145, 116], STATES + 'read False'),
    ],
    "03_backtick_paren.md": [
        ("tst_localsocket_bench.cpp (65): every QLocalSocket gets this as parent", "confirmed", [65], FINE),
        ("tst_localsocket_bench.cpp (18): Q_OBJECT is redundant", "refuted", [16, 21, 22, 23, 18], STATES + 'needs_q_object False'),
    ],
    "04_table.md": [
        ("The result of listen() is ignored.", "confirmed", [44], PROBLEM),
        ("The QLocalServer is allocated with new and has no parent.", "confirmed", [35, 46], PROBLEM),
        ("qDebug output in dataExchange.", "unverifiable", [], UNSURE),
    ],
    "05_positive.md": [
        ("What is done well: On the positive side, SocketFactory correctly has Q_OBJECT", "confirmed", [54, 93, 56],
         FINE),
    ],
    "06_questions.md": [
        ("Is the result of listen() checked anywhere?", "unverifiable", [], UNSURE),
        ("Does ServerThread need Q_OBJECT?", "unverifiable", [], UNSURE),
        ("The result of listen() is not checked.", "confirmed", [44], PROBLEM),
    ],
    "07_code_quotes.md": [  # the fenced code and the line introducing it are no claims
        ('The result of server->listen("foo") shown above is thrown away.', "confirmed", [44], PROBLEM),
    ],
    "08_spellings.md": [
        ("QLocalServer::listen is called without checking", "confirmed", [44], PROBLEM),
        ("server.listen() result: ignored.", "confirmed", [44], PROBLEM),
        ("The QLocalSocket::connectToServer call", "refuted", [82], PROBLEM),  # it returns void
    ],
    "09_wrong_lines_inline.md": [
        ("L400: the result of listen() is ignored.", "unverifiable", [44], PROBLEM),  # cited outside the file
        ("Line 44 - the result of listen() is ignored.", "confirmed", [44], PROBLEM),
    ],
    "10_german.md": [  # no rule reads German: never decided on a guess
        ('Der Rückgabewert von server->listen("foo")', "unverifiable", [], NOTHING),
        ("timer in dataExchange wird nie gelesen.", "unverifiable", [], NOTHING),
    ],
    "11_nested_bullets.md": [
        # two sub-bullets under one lead-in: two claims, each under the title
        ("Ownership: QLocalServer in ServerThread::run() is created with new", "confirmed", [35, 46], PROBLEM),
        ("Ownership: The QLocalSocket objects have no parent and leak.", "refuted", [37, 65], PROBLEM),
        ("Error handling: The result of listen() is ignored.", "confirmed", [44], PROBLEM),
    ],
    "12_headings.md": [
        ("Q_OBJECT in SocketFactory: The Q_OBJECT macro in SocketFactory is unnecessary", "refuted", [54, 93, 56],
         STATES + 'needs_q_object False'),
        ("Unused timer: The QElapsedTimer in dataExchange is never read.", "refuted", [116, 142], STATES + 'used False'),
    ],
    "13_concessive.md": [
        ("the QLocalServer in run() is deleted by hand at line 46", "unverifiable", [], NOTHING),
        ("the QCOMPARE inside the lambdas throws an exception", "refuted", [40, 38, 41, 68, 67, 72, 70, 75], STATES + 'exits_by throw'),
        ("every QLocalSocket has a parent", "confirmed", [37, 65], FINE),
        ("the QLocalServer in run() has none.", "unverifiable", [], NOTHING),
    ],
    "14_hallucinated.md": [
        ("m_socketPool is never deleted in the destructor.", "unverifiable", [], STATES + "deleted_at []"),  # the file never names it
        ("The file uses QMetaType::registerNormalizedType", "refuted", [], NOTHING),
        ("QLocalServer::newConnection is connected to a lambda without a context object.", "confirmed", [36],
         PROBLEM),
    ],
    "16_void_results.md": [  # decided by the callee's type: it returns nothing
        ('The result of socket->connectToServer("foo") is never checked.', "refuted", [82], PROBLEM),
        ("connectToServer() returns void; failures are reported through signals", "confirmed", [82], FINE),
    ],
    "17_includes.md": [  # the use map: what each include brings that the code uses, and what only it brings
        ("#include <QtCore/QTimer> is unused.", "confirmed", [4], STATES + 'used False'),
        ("#include <QtCore/QElapsedTimer> is not needed.", "refuted", [3, 11, 12, 13], STATES + 'needed False'),
        ("<cstdlib> can be removed because nothing in the file needs it.", "confirmed", [6], STATES + 'needed False'),
        ("#include <QtCore/QString> is redundant", "confirmed", [5], STATES + 'reached_from QtCore/QCoreApplication'),
        ("<QtCore/QElapsedTimer> is needed for the QElapsedTimer on line 11.", "confirmed", [3, 11, 12, 13], STATES + 'used True, needed True'),
    ],
    "18_uses.md": [  # names the file declares: used where its code spells them on a line that does not declare them
        ("Q_CHECK_PTR is never used.", "refuted", [66], STATES + 'used False'),
        ("pingPong_data() is never called and is dead code.", "unverifiable", [21], STATES + 'called False'),  # QTest calls it
        ("The pending counter is unused.", "refuted", [99, 60, 77], STATES + 'used False'),
        ("remaining is never used anywhere.", "refuted", [98, 63, 73, 74], STATES + 'used False'),
    ],
    "19_timeouts.md": [  # the time limit each wait has, passed or its declaration's default
        ("waits.cpp:16 - socket.waitForConnected() is called without a timeout", "refuted", [16], STATES + 'forever True'),
        ("waits.cpp:17 - waitForReadyRead(5000) has a time limit.", "confirmed", [17], STATES + 'forever False'),
        ("waits.cpp:20 - process.waitForFinished(-1) waits forever", "confirmed", [20], STATES + 'forever True'),
        ("waits.cpp:21 - worker->wait() has no timeout", "confirmed", [21], STATES + 'forever True'),
        ("waits.cpp:23 - ready.wait(&mutex) blocks indefinitely", "confirmed", [23], STATES + 'forever True'),
    ],
    "20_sign_compare.md": [  # the usual arithmetic conversions on the operand types as written
        ("Line 6: comparing the qint64 available with the quint32 size", "refuted", [6], STATES + 'sign_conversion True'),
        ("Line 7: count < limit mixes signed and unsigned", "confirmed", [7], STATES + 'sign_conversion True'),
        ("Line 8: small < tiny is a signed/unsigned mismatch.", "refuted", [8], STATES + 'sign_conversion True'),
    ],
    "21_classes.md": [  # virtual through the base, overriding, or hiding with another signature
        ("Worker::~Worker() is not virtual", "refuted", [18, 26, 14], STATES + 'virtual False'),
        ("Server::incomingConnection(int) does not override", "confirmed", [11, 25], STATES + 'overrides False'),
        ("Worker::run() correctly overrides QThread::run().", "confirmed", [21], STATES + 'overrides True'),
    ],
    "22_any_result.md": [  # any call that returns a value: discarded, tested, or stored and tested later
        ("any_call.cpp:9 - the result of socket->write(data) is never checked", "confirmed", [9], PROBLEM),
        ("any_call.cpp:10 - here the result of write() is checked", "confirmed", [10], FINE),
        ("any_call.cpp:13 - the result of write() is stored in sent", "confirmed", [13, 14], FINE),
        ("any_call.cpp:16 - the result of bytesToWrite() is ignored.", "unverifiable", [16], PROBLEM),
    ],
    "23_locks.md": [  # the locks held on every path to each access and call
        ("counter is only ever modified with mutex held.", "confirmed", [21, 20, 23], STATES + 'locked True'),
        ("locks.cpp:24 - cells is written outside the mutex.", "confirmed", [24, 23], STATES + 'locked False'),
        ("printf() is called while still holding the mutex", "refuted", [25, 23], STATES + 'locked True'),
        ("The wakeAll() call runs after the mutex has been released", "refuted", [22, 20, 23],
         STATES + 'locked False'),
        ("m_seen is read under the lock in poll().", "unverifiable", [48], STATES + 'locked True'),  # tryLock()
    ],
    "24_threads.md": [  # the thread each function runs in and each signal is emitted in; threads the file starts
        ("single.cpp:11 - incomingConnection() runs in Qt's internal socket-notifier thread", "refuted", [11],
         STATES + 'other_thread True'),
        ("The readyRead signal is delivered from another thread.", "refuted", [15], STATES + 'other_thread True'),
        ("No threads are involved anywhere in this program.", "confirmed", [1], STATES + 'threads_started False'),
    ],
    "15_layouts.md": [
        ("silent_layouts.cpp:16-26 - the label, the button and both layouts end up owned", "confirmed",
         [16, 18, 20, 23], FINE),
        ("silent_layouts.cpp:67 - orphan is created with new and has no parent", "confirmed", [67], PROBLEM),
        ("silent_layouts.cpp:49-51 - name and okButton come from the initializer list", "refuted", [49, 51],
         STATES + 'deleted_at []'),
    ],
    "25_members_checklist.md": [  # a checklist: the box says nothing, the sentence does
        ("Review checklist for members.cpp", "unverifiable", [], NOTHING),
        ("count is initialized in both constructors' initializer lists", "confirmed", [16, 10, 11],
         STATES + "initialized True"),
        ("limit is never initialized by Counter()", "confirmed", [17, 10, 11], STATES + "initialized False"),
        ("step is uninitialized: neither constructor sets it", "refuted", [18, 10],
         STATES + "initialized False"),  # both call reset(), which sets it
        ("value in Plain is left uninitialized by the defaulted", "confirmed", [30, 28],
         STATES + "initialized False"),
        ("ready is not initialized by Elsewhere()", "unverifiable", [40, 45],
         STATES + "initialized False"),  # setUp() is defined in another file
    ],
    "26_lifetimes_reply.md": [  # an e-mail reply: quoted claims and the answers to them
        ("> The socket from nextPendingConnection() in accept() leaks", "unverifiable", [], PROBLEM),
        ("That one names no variable", "unverifiable", [], NOTHING),
        ("> socket in accept() is never deleted", "refuted", [18], STATES + "deleted_at []"),  # a child of the server
        ("> local in work() is never deleted", "refuted", [28, 37], STATES + "deleted_at []"),  # on the stack
        ("Also, the QThread from QThread::create() is never deleted", "refuted", [30], STATES + "deleted_at []"),
        ("And once is created with new and has no parent", "confirmed", [35, 36], PROBLEM),
    ],
    "28_mail_reply.md": [  # a mail reply to a patch: quoted diff lines, attribution and sign-off are no claims
        # QElapsedTimer comes through the file's own header (via QThread); QTextStream through QDebug instead
        ("<QtCore/QElapsedTimer> and <QtCore/QTextStream> are both redundant", "partly", [3, 4],
         STATES + "reached_from through_local.h"),
        ("QtCore/QDebug is genuinely needed here", "confirmed", [6, 24], STATES + "used True, needed True"),
        ("QtCore/QObject is needed too.", "partly", [5, 8], STATES + "used True, needed True"),  # also via QThread
        ('This #include "through_local.moc" is strictly unnecessary', "refuted", [29, 10], STATES + "needed False"),
        # the calls named right after "never checks" are asked; no line of the file names either: no line calls them
        ("measure() never checks timer.isValid() or timer.hasExpired()", "confirmed", [], STATES + "called False"),
        ("The code never calls timer.start()", "refuted", [20], STATES + "called False"),
    ],
    "29_task_list_strings.md": [  # a GitHub task list under a heading: the boxes are no part of the claims
        ("SLOT(quit()) on line 21 is string-based", "confirmed", [21], PROBLEM),
        ("Line 21: QEventLoop has no quit() slot", "refuted", [21], STATES + "member_found False"),  # qeventloop.h
        ("SLOT(pong()) on line 23: Pinger has no pong() slot", "confirmed", [23], STATES + "member_found False"),
        ("The pointer-to-member connect on line 26 is string-based", "unverifiable", [], PROBLEM),  # none there
    ],
    "31_chat_transcript.md": [  # a chat log: "[09:12] anna: ..." lines, each message its own claim
        ("looked at errors.cpp, a few things", "unverifiable", [], NOTHING),
        ("errors.cpp:15 - ServerNotFoundError has no break and falls through", "confirmed", [15, 18],
         STATES + "falls_through True"),
        ("ok", "unverifiable", [], NOTHING),
        ("PeerClosedError is silently ignored in displayError()", "confirmed", [21], STATES + "handled False"),
        ("errors.cpp:23 - the default branch is missing its break", "refuted", [23, 25], STATES + "falls_through True"),
        ("the last label cannot fall into anything", "unverifiable", [], NOTHING),
        ("right, my bad.", "unverifiable", [], NOTHING),
        ("And ConnectionRefusedError is not handled at all", "refuted", [18], STATES + "handled False"),
        ("thanks, will fix the first one", "unverifiable", [], NOTHING),
    ],
    "32_emoji_checklist.md": [  # a bot's checklist: each line led by a status mark (check mark, cross, warning)
        ("removeServer() is a static member function", "confirmed", [14], STATES + "static True"),
        ("decls.cpp:16 - socket->error() returns a scoped enum class", "refuted", [16], STATES + "scoped_enum True"),
        ("datagram.senderPort() returns a quint16", "refuted", [17], STATES + "returns quint16"),
        ("Mode is an enum class.", "confirmed", [12, 10], STATES + "scoped_enum True"),
        ("QString::arg() is static.", "refuted", [19], STATES + "static True"),
        ("The stream in readCount() is never given a version with setVersion().", "refuted", [26],
         STATES + "called False"),
        ("It is never given a byte order with setByteOrder() either.", "confirmed", [], STATES + "called False"),
    ],
    "33_issue_tracker_fields.md": [  # an issue tracker's blocks: Issue / Location / Severity lines, one claim per block
        ("narrow.cpp:8 - int count = names.count() narrows", "confirmed", [8], STATES + "warned True"),
        ("narrow.cpp:9 - total is truncated to int.", "refuted", [9], STATES + "warned True"),
        ("narrow.cpp:10 - the cast of sizeof(quint32) to int truncates", "refuted", [10], STATES + "fits False"),
        # an explicit cast clang does not warn about: constant-cast evaluates it (4 fits an int)
    ],
    "34_format_strings.md": [  # prose on a file clang finds three format-string faults in
        ("Second pass over formats.cpp.", "unverifiable", [], NOTHING),
        ("There are no format-string vulnerabilities in it.", "refuted", [8, 9, 10], FINE),
        ("The call at line 12 passes a literal format", "unverifiable", [], NOTHING),
        ("It calls printf without including <cstdio>.", "refuted", [4], STATES + "included False"),
        ("And qWarning() is used without including <qlogging.h>.", "confirmed", [8, 12], STATES + "included False"),
    ],
    "45_bot_summary_bold_paragraphs.md": [  # a review bot: headings, bold-led numbered paragraphs, "> Suggestion:"
        ("Unbounded wait in the destructor: wait() on line 18", "confirmed", [18], STATES + "forever True"),
        ("Stop flag written under the lock: The destructor sets stopping", "confirmed", [15, 14, 17],
         STATES + "locked True"),
        ("2a. Signal emitted under the mutex: emit quote(text)", "confirmed", [57, 56, 61],  # `lock` is the mutex
         STATES + "locked True"),
        ("Connection result ignored:", "refuted", [43], PROBLEM),
        ("No explicit disconnect: The socket is never closed with", "confirmed", [], STATES + "called False"),
        ("Override: run() correctly overrides", "confirmed", [34], STATES + "overrides True"),
        ("Uninitialized port: targetPort is not initialized", "confirmed", [66, 11, 24, 26], STATES + "initialized False"),
        ("Lock never released: The mutex is never unlocked with unlock()", "refuted", [17, 39, 61],
         STATES + "called False"),
    ],
    "46_plain_mail_no_backticks.md": [  # a mail: salutation, courtesy, names without backticks, a sign-off
        ("First, the return value of writeDatagram() on line 39 is ignored", "confirmed", [39], PROBLEM),
        ("The pingSocket itself is fine: it is created with this as its parent", "confirmed", [18], FINE),
        ("Second, I think closeButton and actions leak.", "refuted", [13], PROBLEM),  # `actions`: a plain word
        ("The timer is started with a hard-coded interval of 1000 ms", "confirmed", [33], PROBLEM),
        ("Also, pingCount is never initialized", "partly", [8], STATES + "initialized False"),  # pinger.h: = 0
        # Pinger is defined in pinger.h, its constructor here: the header's class has Q_OBJECT (pinger.h:12)
        ("Finally, Pinger has no Q_OBJECT macro", "refuted", [8], PROBLEM),
    ],
    "47_inline_under_file_heading.md": [  # inline comments under a bold file name, which is no claim
        ("L8: the constructor parameter handle shadows the member", "confirmed", [7], PROBLEM),  # declared at 7
        ("L15: the result of setSocketDescriptor() is checked and the error is emitted", "confirmed", [15], FINE),
        ("L19: the return value of write() is ignored", "confirmed", [19], PROBLEM),
        ("L21: waitForDisconnected() is called without a timeout", "refuted", [21], STATES + "forever True"),
    ],
    "39_index_ranges_terse.md": [  # numbered remarks led by a parenthesized line
        ("(line 19) ring[i % Slots] writes past the end of ring", "refuted", [19, 18], PROBLEM),
        ("(line 24) table[steps % TableSize] reads past the end", "refuted", [24, 21], PROBLEM),
        ("(line 25) table[seed % TableSize] writes past the end", "unverifiable", [25], PROBLEM),  # seed may be < 0
        ("(line 30) The <= loop writes past the end of counts.", "confirmed", [30, 29], PROBLEM),
        ("(line 43) readLine(line, 100) overruns line", "refuted", [43], PROBLEM),  # `line, 100` is code, no citation
        ("(line 46) read(line, 128) writes past the end of line.", "confirmed", [46], PROBLEM),
        ("(line 54) The result of toInt() is checked through ok", "confirmed", [54, 55], FINE),  # the bool out-param
        ("(line 62) The C-style cast (int)sizeof(quint32) truncates", "refuted", [62], STATES + "fits False"),
        ("(line 67) The cast quint8(300) truncates the value.", "confirmed", [67], STATES + "fits False"),
        ("(line 44) write(line, sizeof(line)) always sends the full buffer", "confirmed", [44, 43],
         STATES + "whole_buffer True"),  # n holds what readLine() at 43 stored
        ("(line 45) write(line, n) always sends the whole buffer.", "refuted", [45, 43], STATES + "whole_buffer True"),
    ],
    "40_dangling_headings.md": [  # a heading per remark
        ("printf with qPrintable (line 12)", "refuted", [12], PROBLEM),
        ("The kept pointer (line 15)", "confirmed", [15], PROBLEM),
        ("label(): What label() returns dangles", "confirmed", [27], PROBLEM),
        ("fromLatin1 (line 14)", "refuted", [14], PROBLEM),
    ],
    "41_nul_bytes_bold_leads.md": [  # numbered items with bold lead-ins
        ("Unterminated bytes (line 11)", "refuted", [11], STATES + "nul_terminated False"),
        ("Embedded NULs (line 15)", "confirmed", [15], STATES + "stops_at_nul True"),
        ("Terminator (line 15)", "confirmed", [15], STATES + "nul_terminated True"),
        ("Embedded NULs (line 12)", "unverifiable", [11], STATES + "stops_at_nul True"),  # fromUtf8 gets a length
    ],
    "48_cwe_two_places_one_sentence.md": [  # one sentence, two places: each statement is asked where it is said
        ("CWE-362 (Race Condition): stopping is read in run() without the mutex while the destructor", "confirmed",
         [40, 15, 14, 17, 39], PROBLEM),
        ("CWE-667 (Improper Locking): stopping is read in run() under the mutex", "refuted", [40, 39],
         STATES + "locked True"),
    ],
    "49_quoted_messages.md": [  # quotes of what strings say: found in a literal (not in a comment), or not at all
        ('The warning on line 10 says "Conection refused, retrying"', "confirmed", [10], STATES + "spelled True"),
        ('The debug output prints "Tab separated" words.', "confirmed", [12], STATES + "spelled True"),  # a tab
        ('The log message says "Connexion refused"', "unverifiable", [], STATES + "spelled True"),  # nowhere
    ],
    "59_gerrit_ctor_named_objects.md": [  # Gerrit's "PS2, Line N:" comments; a class named by its constructor
        ("PS2, Line 11: Tally() takes no QObject *parent, so these tallies", "refuted", [21, 27, 11], PROBLEM),
        ("PS2, Line 24: Nothing here runs concurrently", "confirmed", [1], STATES + "other_thread_access False"),
        ("PS2, Line 34: Objects of Tally made with new are never deleted.", "refuted", [21, 27],
         STATES + "deleted_at []"),
        # a sentence may open with code in lower case (`tick.start()`): two claims; the cited line picks `tick`
        ("PS2, Line 44: The tick member is a QTimer held by value", "confirmed", [44], FINE),
        ("tick.start() is never called, though.", "refuted", [34, 42], STATES + "called False"),
        ("In short, the tick member is a QTimer held by value, so it is destroyed together with", "confirmed",
         [32, 36, 44], FINE),
        ("tick.start() is never called, though.", "refuted", [34, 42], STATES + "called False"),
    ],
    "60_thread_start_order.md": [  # Q1./A1. notes; a member set before the only start() is never read unset
        ("Reviewer notes on render_worker.cpp", "unverifiable", [], NOTHING),
        ("Are the members safe to read in run()?", "unverifiable", [], NOTHING),
        ("zoom is not initialized by the constructor", "partly", [19, 11, 27, 31], STATES + "initialized False"),
        ("And angle?", "unverifiable", [], NOTHING),
        ("angle is not initialized by the constructor", "unverifiable", [20, 11, 32],   # set after start()
         STATES + "initialized False"),
        ("depth?", "unverifiable", [], NOTHING),
        ("depth is not initialized by the constructor", "unverifiable", [21, 11, 29],   # set on one branch
         STATES + "initialized False"),
        ("Threads?", "unverifiable", [], NOTHING),
        ("The members are never touched from another thread.", "unverifiable", [31],  # a thread is started
         STATES + "other_thread_access False"),
    ],
    "61_rfc_words_buffer_handling.md": [  # "in F() the buffer handling is safe": the reads in F()
        ("Findings (RFC 2119 language)", "unverifiable", [], NOTHING),
        ("In resizedToThePendingSize() the buffer handling is safe", "confirmed", [11], FINE),
        ("In pendingSizeIntoAFixedBuffer() the buffer handling is safe as well.", "refuted", [20, 18], FINE),
        ("The code MUST clamp the count", "unverifiable", [], NOTHING),
    ],
    "62_checklist_boxes.md": [  # a checklist of [x]/[ ] boxes; class names opening a sentence; premises
        ("Review checklist: ring_threads.cpp", "unverifiable", [], NOTHING),
        ("Reader has Q_OBJECT but declares no signals or slots", "confirmed", [29, 31], STATES + "needs_q_object False"),
        ("Writer lacks the Q_OBJECT macro.", "partly", [16], PROBLEM),  # true: no macro; false: none is needed
        ("Reader lacks the Q_OBJECT macro.", "refuted", [29, 31], PROBLEM),
        ("writer.wait() and reader.wait() are called without a timeout.", "confirmed", [52, 53], STATES + "forever True"),
        ("The result of freeSlots.acquire() is ignored", "refuted", [22, 37], PROBLEM),  # returns void
        ("k % RingSize keeps every index inside ring.", "confirmed", [23, 21, 38, 36], FINE),
        ("app.exec() is never called", "confirmed", [], STATES + "called False"),  # no line names exec
        ("writer.start() is never called.", "refuted", [50, 51], STATES + "called False"),
        ("Reader is never instantiated.", "refuted", [29, 49], STATES + "instantiated False"),
        # assigned under a branch that breaks out: not on every pass, and which value is left is the branch's
        ("found is overwritten on every pass of the loop", "refuted", [64, 62], STATES + "replaces True"),
        ("found is assigned on every iteration of the loop", "refuted", [64, 62], STATES + "every_pass True"),
    ],
    "56_grid_cells_inline.md": [  # inline comments: grid rows from constant arguments, construction order
        ("grid.cpp:31-34 - The grid skips row 1", "confirmed", [31, 32, 33, 34, 40], STATES + "empty_rows 1"),
        ("grid.cpp:37-39 - In the buttons grid, row 1 stays empty", "refuted", [37, 38, 39],
         STATES + "empty_rows 1"),  # the cited lines choose the `buttons` grid, whose row 1 holds the label
        ("grid.cpp:22 - Passing this to the QPushButton", "refuted", [22, 21], STATES + "base_constructed False"),
        ("grid.cpp:21-23 - helpButton and errorLabel are initialized in the order", "refuted", [20, 22, 23, 21],
         STATES + "listed_order_kept True"),  # errorLabel is declared first: C++ initializes it first
        ("grid.cpp:46 - In addRows(), column 1", "unverifiable", [47, 48], STATES + "empty_columns 1"),  # row i
        ("grid.cpp:33 - Either row 1 or row 2", "unverifiable", [], NOTHING),  # two rows: neither is asked
        ("grid.cpp:31-34 - Row 7 of the grid stays empty.", "unverifiable", [31, 32, 33, 34, 40],
         STATES + "empty_rows 7"),  # the grid has rows 0..4: row 7 is none of its rows
    ],
    "57_parsed_values_numbered.md": [  # numbered remarks: values converted with toInt(&ok), checked or not
        ("count (line 28) is only checked for a successful conversion", "confirmed", [28, 29, 31],
         STATES + "only_conversion_checked True"),
        ("port (line 34) is only checked for a successful conversion", "refuted", [34, 35],
         STATES + "only_conversion_checked True"),  # `port > 65535` in the same condition
        ("The value of level is range-checked with qBound", "confirmed", [39, 40], STATES + "range_checked True"),
        ("workers (line 43) is only checked", "unverifiable", [43, 44, 46],
         STATES + "only_conversion_checked True"),  # startWorkers() is not defined in the file
        ("depth has no range check anywhere.", "refuted", [49, 19, 50, 52], STATES + "range_checked False"),
    ],
    "58_shift_counts_headings.md": [  # a heading per remark: shift counts, defaults and setters
        ("The iteration limit (line 29)", "refuted", [29, 22, 27], STATES + "overflows_by_default True"),
        ("setLevels(): setLevels() accepts any value", "confirmed", [29, 22, 27], STATES + "may_overflow True"),
        ("The bit loop (line 43)", "refuted", [43, 42], STATES + "may_overflow True"),
        ("The wide loop (line 45)", "confirmed", [45, 19, 44], STATES + "overflows_by_default True"),
        ("setDepth(): setDepth() has no validation", "unverifiable", [], STATES + "may_overflow True"),  # qBound
        ("The flag helper (line 51)", "unverifiable", [51], STATES + "may_overflow True"),  # a parameter's count
    ],
    "50_address_literals.md": [  # IP addresses written as strings, classified by their bits
        ("ff12::2115 on line 9 is a link-local unicast address", "refuted", [9], STATES + "link_local_unicast True"),
        ("239.255.43.21 is a multicast address", "confirmed", [10], STATES + "multicast True"),
        ("The peer fe80::1 is a link-local unicast address.", "confirmed", [11], STATES + "link_local_unicast True"),
        ("127.0.0.1 is a multicast address", "refuted", [12], STATES + "multicast True"),
        ("The group 10.1.2.3 is not a multicast address.", "unverifiable", [], STATES + "multicast False"),  # nowhere
    ],
    "51_default_arguments.md": [  # the default a call leaves an argument to, read from the declaration
        ("receiveDatagram() on line 19 is called without a maximum size", "refuted", [19],
         STATES + "default_value 8 KiB"),  # maxSize = -1
        ("waitForConnected() on line 22 has no argument", "confirmed", [22], STATES + "default_value 30 s"),  # 30000
        ("The QThread::wait() call relies on the default timeout of 30 seconds.", "unverifiable", [23],
         STATES + "default_value 30 s"),  # QDeadlineTimer(QDeadlineTimer::Forever): not an integer the code spells
        ("retry() is called with no argument", "unverifiable", [24], STATES + "default_value 3"),  # = RetryLimit
    ],
    "52_arg_placeholders.md": [  # QString::arg() fills by placeholder number, not by position in the text
        ("Line 13: the message mixes up its placeholders", "refuted", [13, 14, 15], STATES + "misplaced True"),
        ("Line 16: the placeholders are in the wrong order", "unverifiable", [16], STATES + "misplaced True"),  # intent
        ("Line 17: %2 is never replaced", "confirmed", [17], STATES + "unfilled True"),  # 6, 10: width and base
        ("Line 13: every placeholder is left unfilled.", "refuted", [13, 14, 15], STATES + "unfilled True"),
        ("Line 17: %1 is never replaced either.", "refuted", [17], STATES + "unfilled True"),
        # a qualified name the claim proposes, looked up in the class and its bases: QLocalSocket has no NoError
        ("Line 20: UnknownSocketError is not the", "refuted", [20], NOTHING),
        ("Line 19: the socket should be opened with QLocalSocket::ReadOnly", "unverifiable", [], NOTHING),  # QIODevice
    ],
    "52_literal_contents.md": [  # whether the string a variable is initialized with ends with a newline
        ("Line 13 writes greeting without a trailing newline", "confirmed", [5, 13],
         STATES + "newline_terminated False"),
        ("request on line 6 has no trailing newline either.", "refuted", [6, 14], STATES + "newline_terminated False"),
        ("farewell is sent without a trailing newline.", "unverifiable", [15, 16],  # farewell + "\n" is what is sent
         STATES + "newline_terminated False"),
    ],
    "52_builtin_metatypes.md": [  # qmetatype.h's own lists, read at run time: QString needs no declaration
        ("Line 54: renamed(QString) cannot be delivered", "refuted", [54], STATES + "required True"),
    ],
    "63_slack_one_grid.md": [  # a Slack export: "**name** 10:03 AM" over each message; "the grid" of a file with one
        ("looked at one_grid.cpp quickly", "unverifiable", [], NOTHING),
        ("row 2 of the grid is left empty", "confirmed", [21, 22, 23, 24, 25], STATES + "empty_rows 2"),
        ("and row 1 of the grid stays empty too", "refuted", [21, 22, 23, 24, 25], STATES + "empty_rows 1"),
        ("the grid's column 3 is unused", "unverifiable", [21, 22, 23, 24, 25], STATES + "empty_columns 3"),  # past it
    ],
    "64_priority_tags.md": [  # "[P1] ..." lines: one claim each
        # connectToHost() returns void: nothing "fails" for the question to follow, and waitForConnected() is asked
        # only as the call that follows another, never through its own pair with write()
        ("If connectToHost() fails, waitForConnected() is still called.", "unverifiable", [],
         STATES + "runs_after_failure True"),
        ("If waitForConnected() fails, write() is still called", "refuted", [10, 12, 11],
         STATES + "runs_after_failure True"),
        # names no code: two setters could be meant, so no answer
        ("The text is overwritten on every pass of the loop.", "unverifiable", [], STATES + "replaces True"),
    ],
    "35_changelog_entries.md": [  # changelog-style bullets led by a [tag]
        ("[dead code] The Helper class is never instantiated", "confirmed", [16], STATES + "instantiated False"),
        ("[dead code] The progress() signal is never emitted.", "confirmed", [13], STATES + "used False"),
        ("[dead code] The done() signal is never emitted either.", "refuted", [12, 10], STATES + "used False"),
        ("[dead code] Worker is never instantiated.", "refuted", [34, 6], STATES + "used False"),
        ("Base is never instantiated.", "unverifiable", [22], STATES + "instantiated False"),
    ],
    "30_tool_output_pasted.md": [  # a tool's report pasted with notes: "file.cpp:12: warning: ..." lines
        ("Ran my usual checks", "unverifiable", [], NOTHING),
        ('review.cpp:12: warning: "exit" == copy compares two pointers', "confirmed", [12], PROBLEM),
        ("review.cpp:22: note: the timeout 30000 is a bare literal", "confirmed", [22], PROBLEM),
        ("review.cpp:26: note: waitForReadyRead(Timeout) passes a hard-coded number", "refuted", [26, 20], PROBLEM),
        ("review.cpp:35: warning: this singleShot call has no context object", "confirmed", [35], PROBLEM),
        ("review.cpp:36: note: QTimer::singleShot(100, this, ...) passes this as context", "confirmed", [36], FINE),
        ("review.cpp:43: note: QCOMPARE inside the for loop returns from the test function", "confirmed", [43],
         STATES + "exits_by return"),
        ("review.cpp:53: note: place()'s parameter width shadows the member", "confirmed", [53], PROBLEM),
        ("review.cpp:66: note: the waitForConnected() call is wrapped in QVERIFY", "confirmed", [66],
         STATES + "checked True"),
        # "nothing in the test function leaks": the subject's negation reaches the verb four words on
        ("review.cpp:62: note: waits() is fine", "confirmed", [], FINE),
    ],
    "36_wait_loops_paragraphs.md": [  # paragraphs of prose: condition waits (wait-recheck) and lock scopes
        # "I went through the Channel class with the condition waits in mind.": an opening, no claim
        ("The if around m_notEmpty.wait() in peek() should be a while", "confirmed", [29, 28],
         STATES + "rechecked False"),
        ("In take() the wait is the body of a while loop", "confirmed", [20, 19], STATES + "rechecked True"),
        ("settle() waits on m_idle without re-checking anything.", "confirmed", [39], STATES + "rechecked False"),
        ("drain() does not re-check its condition either.", "refuted", [46, 45], PROBLEM),  # a do-while loop
        ("As for the lock scopes: put() keeps the mutex locked", "confirmed", [53], STATES + "whole True"),
        ("peek() also keeps m_mutex locked for the whole function", "refuted", [27, 31, 32], STATES + "whole True"),
    ],
    "37_qtest_data_numbered.md": [  # numbered items with bold lead-ins: data functions, QFAIL, threads
        ("Missing data table (line 35): decode() has no data function", "confirmed", [36],
         STATES + "has_data False"),
        # its data function calls encode_data(), which adds the columns
        ("QFETCH in a threaded test: decodeThreaded() has no data table", "refuted", [48, 14, 23, 24],
         STATES + "has_data False"),
        ("Data-driven encode: encode() has its own data function", "confirmed", [29, 21, 23, 24],
         STATES + "has_data True"),
        ("Exceptions: QFAIL throws an exception", "refuted", [45], STATES + "exits_by throw"),
        # a helper of the test class called only from the QThread::create() lambda: not run by QtTest
        ("Threads: check() runs in another thread", "confirmed", [41], STATES + "other_thread True"),
    ],
    "38_outside_threads_table.md": [  # a Markdown table: objects and globals the file never creates itself
        ("m_stop is written by halt() and read in run() without the lock", "confirmed", [33, 19, 26],
         STATES + "locked False"),
        ("m_ticks is shared between threads", "refuted", [54, 55], PROBLEM),  # slots with their own receiver
        ("The global served is accessed from two threads", "refuted", [67, 108], PROBLEM),  # called from main()
        # two threads, no lock, but the semaphores order the accesses: not followed, so not decided
        ("ring is written by the producer and read by the consumer", "unverifiable", [76, 88],
         STATES + "locked False"),
        ("The blocking wait() calls in main() freeze the user interface", "refuted", [95, 97], STATES + "ui True"),
        # a local: destroyed where its block ends (109), by the thread that made it
        ("The idle timer is destroyed from another thread", "refuted", [106, 109],
         STATES + "destroyed_elsewhere True"),
    ],
    "27_gerrit_metatypes.md": [  # Gerrit's plain-text review mail: "PS2, Line N:" comments under a vote line
        ("PS2, Line 50: Reading is a custom struct", "refuted", [50], PROBLEM),  # Qt 6's moc records it
        ("PS2, Line 52: Sensor::Fault has to be registered", "refuted", [52], PROBLEM),
        ("PS2, Line 54: The string-based SIGNAL(renamed(QString))", "refuted", [54], PROBLEM),  # a built-in type
        ("PS2, Line 56: stopped() carries no arguments", "confirmed", [56], FINE),
        ("Fine as is.", "unverifiable", [], NOTHING),
        ("PS2, Line 59: Sensor* is marshalled", "refuted", [59], PROBLEM),  # the receiver is not copied
    ],
    "42_standup_spinning_retries.md": [  # loops, calls-in-loops and call-arguments, both ways
        ("readLineBlocking(): the while (!socket->canReadLine()) loop busy-waits", "refuted", [9, 10],
         STATES + "busy True"),
        ("connectWithRetries(): the forever loop keeps calling", "refuted", [21, 25, 26, 36, 37, 38],
         STATES + "bounded False"),
        ("Inside the retry loop, connectToServer() is called again on every iteration", "partly",
         [22, 21, 41, 36, 19, 73, 75], STATES + "every_pass True"),
        ("callsHelper(): the loop around helper() spins", "unverifiable", [53], STATES + "busy True"),
        ("readVersioned(): the stream in is pinned to", "confirmed", [62],
         STATES + "arguments QDataStream::Qt_5_15"),
        ("readVersioned(): in is fixed to", "refuted", [62], STATES + "arguments QDataStream::Qt_6_0"),
    ],
    "44_mail_encapsulation_hierarchy.md": [  # member-access and class-derivation, both ways
        # "A few remarks on hierarchy.cpp." announces what follows: no claim
        ("The member shared is protected although no class derives from Base.", "partly", [9, 8, 5, 12, 19],
         STATES + "access protected"),
        ("Nothing derives from Leaf either", "confirmed", [12, 5, 19], STATES + "derived False"),
        ("Finally, x in Plain is private", "refuted", [21, 19], STATES + "access private"),
    ],
    "43_table_label_growth.md": [  # property-update: appends, replaces, or computed otherwise
        ("label->setText(label->text() + line) appends", "confirmed", [10], STATES + "appends True"),
        ("The log is appended to as well", "confirmed", [11], STATES + "appends True"),
        ("edit->setText(line) overwrites the line edit", "confirmed", [12, 9], STATES + "replaces True"),
        ("Truncating with left(10) appends", "unverifiable", [], STATES + "appends True"),
        ("label->setText(edit->text()) appends", "refuted", [17], STATES + "appends True"),
        ("Here label->setText() replaces the whole text", "confirmed", [14], STATES + "replaces True"),
    ],
    "53_inline_short_circuits.md": [  # call-after-failure: untested, short-circuited, early return, stored
        ("calls.cpp:10 - If bind() fails", "confirmed", [10, 11], STATES + "runs_after_failure True"),
        ("calls.cpp:16 - When bind() fails here", "refuted", [16, 17], STATES + "runs_after_failure True"),
        ("calls.cpp:24 - joinMulticastGroup() is skipped", "confirmed", [24, 25], STATES + "runs_after_failure False"),
        ("calls.cpp:39 - The warning branch does not return", "confirmed", [39, 41],
         STATES + "runs_after_failure True"),
        ("calls.cpp:46 - joinMulticastGroup() is still called even if", "unverifiable", [46, 48],
         STATES + "runs_after_failure True"),
        # read-guard: a QDataStream read after `if (socket->bytesAvailable() < (int)sizeof(quint32)) return;`
        ("calls.cpp:71 - in >> size runs even when fewer than four", "refuted", [71, 69, 70],
         STATES + "runs_with_fewer_than 4"),
        ("calls.cpp:71 - in >> size runs even when fewer than 8", "unverifiable", [71], STATES + "runs_with_fewer_than 8"),
    ],
    "54_paragraph_silent_exits.md": [  # exit-message: a silent return, one after output, one after a call elsewhere
        ("The argument handling in exits.cpp is mostly careful.", "unverifiable", [], NOTHING),
        ("On line 20, however, main() returns EXIT_FAILURE without printing", "confirmed", [20, 19],
         STATES + "prints False"),
        ("The server branch returns silently", "refuted", [28, 26, 27], STATES + "prints False"),
        ("When there are too many arguments, main() gives up", "unverifiable", [36, 34], STATES + "prints False"),
        # every return of main() is asked ("returns EXIT_FAILURE" is read as the declaration's return type)
        ("Overall, main() returns EXIT_FAILURE without printing anything.", "partly",
         [20, 19, 23, 21, 22, 28, 26, 27], STATES + "prints False"),
    ],
    "55_bullets_loop_values.md": [  # value-after-loop both ways, and a variable overwritten on every pass
        ("In rate(), line 15 divides by timer.elapsed()", "refuted", [15, 13], STATES + "can_be_zero True"),
        ("In restarted(), timer.elapsed() on line 25", "unverifiable", [25], STATES + "can_be_zero True"),
        ("tries can be zero at line 35", "refuted", [35, 31], STATES + "can_be_zero True"),
        ("In leftEarly(), tries could be zero on line 46.", "unverifiable", [46], STATES + "can_be_zero True"),
        ("chunk is overwritten on every pass of the loop", "confirmed", [54, 53, 57], STATES + "replaces True"),
        # assigned-values: a constant given under an if; one never given to a variable also computed; to one not
        ("In passes(), pass jumps straight to 4", "confirmed", [64, 66, 67], STATES + "assigned 4"),
        ("pass is reset to 1 after the first pass.", "unverifiable", [64, 66, 67], STATES + "assigned 1"),
        ("mode is set to 3", "refuted", [71, 72, 73], STATES + "assigned 3"),
        ("mode is set to 2 when", "confirmed", [71, 72, 73], STATES + "assigned 2"),
    ],
}


USE_MAP = FIXTURES / "includes" / "use_map.cpp"
WAIT_LOOPS = FIXTURES / "rules" / "wait-recheck" / "waits.cpp"
QTEST_DATA = FIXTURES / "rules" / "test-data" / "tests.cpp"
OUTSIDE = FIXTURES / "rules" / "cross-thread-member-access" / "outside.cpp"
THROUGH = FIXTURES / "includes" / "through_local.cpp"
STRINGS = FIXTURES / "rules" / "string-based-connection" / "strings.cpp"
PASTED = FIXTURES / "reviews" / "review.cpp"
WAITS = FIXTURES / "rules" / "wait-timeout" / "waits.cpp"
COMPARES = FIXTURES / "rules" / "sign-compare" / "compares.cpp"
METHODS = FIXTURES / "rules" / "class-methods" / "methods.cpp"
ANY_CALL = FIXTURES / "rules" / "unchecked-result" / "any_call.cpp"
LOCKS = FIXTURES / "rules" / "locks-held" / "locks.cpp"
SINGLE = FIXTURES / "rules" / "thread-of" / "single.cpp"
MEMBERS = FIXTURES / "rules" / "member-init" / "members.cpp"
LIFETIMES = FIXTURES / "rules" / "unowned-qobject-allocation" / "lifetimes.cpp"
DELIVERIES = FIXTURES / "rules" / "metatype-registration" / "deliveries.cpp"
ERRORS = FIXTURES / "reviews" / "errors.cpp"
DECLS = FIXTURES / "rules" / "declaration" / "decls.cpp"
NARROW = FIXTURES / "rules" / "narrowing-conversion" / "narrow.cpp"
FORMATS = FIXTURES / "rules" / "format-string" / "formats.cpp"
OBJECTS = FIXTURES / "rules" / "instances" / "objects.cpp"
QUOTES = FIXTURES / "reviews" / "quote_worker.cpp"
PINGER = FIXTURES / "reviews" / "pinger.cpp"
GREETER = FIXTURES / "reviews" / "greeter.cpp"
TALLY = FIXTURES / "reviews" / "tally.cpp"
RENDERER = FIXTURES / "reviews" / "render_worker.cpp"
DATAGRAMS = FIXTURES / "rules" / "unbounded-read" / "datagrams.cpp"
RING = FIXTURES / "reviews" / "ring_threads.cpp"
ONE_GRID = FIXTURES / "reviews" / "one_grid.cpp"
FETCHER = FIXTURES / "reviews" / "fetcher.cpp"
MESSAGES = FIXTURES / "rules" / "string-literal" / "messages.cpp"
LOOPS = FIXTURES / "rules" / "loops" / "waits.cpp"
UPDATES = FIXTURES / "rules" / "property-update" / "updates.cpp"
HIERARCHY = FIXTURES / "rules" / "class-derivation" / "hierarchy.cpp"
BOUNDS = FIXTURES / "rules" / "array-bounds" / "bounds.cpp"
TEMPORARIES = FIXTURES / "rules" / "temporary-pointer" / "temporaries.cpp"
CSTRINGS = FIXTURES / "rules" / "c-string" / "cstrings.cpp"
GRID = FIXTURES / "rules" / "grid-cells" / "grid.cpp"
CONVERSIONS = FIXTURES / "rules" / "value-checks" / "conversions.cpp"
SHIFTS = FIXTURES / "rules" / "shift-range" / "shifts.cpp"
ADDRESSES = FIXTURES / "rules" / "address-literal" / "addresses.cpp"
DEFAULTS = FIXTURES / "rules" / "default-argument" / "defaults.cpp"
PLACEHOLDERS = FIXTURES / "rules" / "arg-placeholders" / "placeholders.cpp"
LINE_ENDS = FIXTURES / "rules" / "literal-contents" / "lines.cpp"
SHORT_CIRCUITS = FIXTURES / "rules" / "call-after-failure" / "calls.cpp"
SILENT_EXITS = FIXTURES / "rules" / "exit-message" / "exits.cpp"
LOOP_VALUES = FIXTURES / "rules" / "value-after-loop" / "values.cpp"


def decided(review: str):
    target = (TALLY if "ctor_named_objects" in review else RENDERER if "thread_start_order" in review
              else DATAGRAMS if "rfc_words" in review
              else RING if "checklist_boxes" in review
              else ONE_GRID if "slack_one_grid" in review
              else FETCHER if "priority_tags" in review
              else GRID if "grid_cells" in review else CONVERSIONS if "parsed_values" in review
              else SHIFTS if "shift_counts" in review
              else LINE_ENDS if "literal_contents" in review else PLACEHOLDERS if "arg_placeholders" in review
              else DEFAULTS if "default_arguments" in review else ADDRESSES if "address_literals" in review
              else SHORT_CIRCUITS if "short_circuits" in review else SILENT_EXITS if "silent_exits" in review
              else LOOP_VALUES if "loop_values" in review
              else MESSAGES if "quoted_messages" in review else QUOTES if "two_places" in review else WAIT_LOOPS if "wait_loops" in review else QTEST_DATA if "qtest_data" in review
              else OUTSIDE if "outside_threads" in review
              else QUOTES if "bold_paragraphs" in review else PINGER if "no_backticks" in review
              else GREETER if "under_file_heading" in review
              else LOOPS if "spinning_retries" in review else UPDATES if "label_growth" in review
              else HIERARCHY if "encapsulation_hierarchy" in review
              else BOUNDS if "index_ranges" in review else TEMPORARIES if "dangling_headings" in review
              else CSTRINGS if "nul_bytes" in review
              else LAYOUTS if "layouts" in review else USE_MAP if "includes" in review
              else WAITS if "timeouts" in review else COMPARES if "sign_compare" in review
              else METHODS if "classes" in review else ANY_CALL if "any_result" in review
              else LOCKS if "locks" in review else SINGLE if "threads" in review
              else MEMBERS if "members" in review else LIFETIMES if "lifetimes" in review
              else DELIVERIES if "metatypes" in review else THROUGH if "mail_reply" in review
              else STRINGS if "task_list" in review else PASTED if "tool_output" in review
              else ERRORS if "chat" in review else DECLS if "emoji" in review
              else NARROW if "issue_tracker" in review else FORMATS if "format_strings" in review
              else OBJECTS if "changelog" in review else EXAMPLE)
    facts, sites = analyze(target)
    rules = list(builtin_rules())
    name, text = read_review(str(OWN / review))
    judge = verdicts.Judge(facts, rules, sites)
    return [judge.decide(c) for c in prose.claims_from_text(text, name, rules)]


def test_every_own_review_is_listed():
    assert sorted(p.name for p in OWN.glob("*.md")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize("review", sorted(EXPECTED))
def test_own_review(review):
    got = decided(review)
    assert len(got) == len(EXPECTED[review]), [v.claim.quote for v in got]  # every claim, and no other
    for v, (quote, verdict, lines, says) in zip(got, EXPECTED[review]):
        assert v.claim.quote.startswith(quote)
        assert (v.verdict, [e.line for e in v.evidence]) == (verdict, lines), (quote, v.reason)
        reading = v.parts[0].reading
        if says.startswith(STATES):  # the review's own words are shown; what is asked of the code is `expects`
            asked = STATES + ", ".join(f"{k} {x}" for k, x in reading.get("expects", {}).items())
            assert (reading["says"].startswith(STATES + "'"), asked) == (True, says), quote
        else:
            assert reading["says"] == says, quote


def test_the_reading_names_where_the_file_has_each_name():
    [v, *_] = decided("14_hallucinated.md")
    assert v.parts[0].reading["names"] == [{"name": "m_socketPool", "read as": "variable", "in the file": "nowhere"}]
    listen = decided("08_spellings.md")[1]
    assert listen.parts[0].reading["names"] == [{"name": "listen", "read as": "callee", "in the file": "lines 44"}]
    assert listen.parts[0].reading["asks"] == ["unchecked-result"]
