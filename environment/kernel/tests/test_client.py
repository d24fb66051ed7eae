"""The C# kernel driven by a real Jupyter client (jupyter_client), as a notebook front end drives it."""
import json
import os
import shutil
import signal
import tempfile
import threading
import time
import unittest

import nbformat
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

from kernel_support import KERNEL_DIR, KERNEL_NAME, skip_or_fail

LIB_DLL = os.path.join(KERNEL_DIR, "..", "..", "bin", "Release", "net10.0", "Diffusion.Lib.dll")

TIMEOUT = 60


class KernelClientTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def run_cell(self, code, timeout=TIMEOUT):
        """Executes code; returns (reply content, list of (msg_type, content) published for it)."""
        outputs = []
        reply = self.kc.execute_interactive(
            code, timeout=timeout, output_hook=lambda m: outputs.append((m["msg_type"], m["content"]))
        )
        outputs = [o for o in outputs if o[0] not in ("status", "execute_input")]
        return reply["content"], outputs

    def run_cell_and_interrupt(self, code, interrupt, timeout=60):
        """Runs code that first prints 'started', and calls interrupt() once that line arrives: the interrupt reaches
        a cell that is running, however long the kernel took to start it (a fixed timer can fire before the kernel has
        begun the cell, and an interrupt with no cell running is dropped, as in ipykernel). Should the line not arrive
        within 10 s, or the cell go on running, the interrupt is sent again every 5 s until the reply comes, so that
        an interrupt lost on a loaded machine cannot leave the shared kernel in an endless loop for the tests after it."""
        started = threading.Event()
        replied = threading.Event()
        sends = []

        def keep_interrupting():
            started.wait(10)
            while not replied.is_set():
                sends.append(time.time())
                interrupt()
                replied.wait(5)

        def hook(msg):
            if msg["msg_type"] == "stream" and "started" in msg["content"]["text"]:
                started.set()

        sender = threading.Thread(target=keep_interrupting, daemon=True)
        sender.start()
        try:
            reply = self.kc.execute_interactive('Console.WriteLine("started");\n' + code, timeout=timeout, output_hook=hook)
        finally:
            replied.set()   # the sender stops at its next check (within 10 s if it is still waiting for "started")
        self.assertTrue(started.is_set(), f"the cell never printed 'started' (interrupts sent: {len(sends)})")
        return reply["content"]

    def stdout(self, outputs):
        return "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stdout")

    def result(self, outputs):
        results = [c["data"]["text/plain"] for t, c in outputs if t == "execute_result"]
        return results[0] if results else None

    def test_compile_error_reports_location_and_keeps_state(self):
        self.run_cell("var kept = 41;")
        reply, outputs = self.run_cell("var a = 1;\nvar b = 2;\nvar c = undefinedName + 1;")
        self.assertEqual(reply["status"], "error")
        errors = [c for t, c in outputs if t == "error"]
        self.assertEqual(len(errors), 1)
        self.assertIn("(line 3, col 9)", errors[0]["evalue"])
        self.assertIn("CS0103", "\n".join(errors[0]["traceback"]))
        reply, outputs = self.run_cell("kept + 1")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.result(outputs), "42")

    def test_exception_reports_cell_line_and_keeps_state(self):
        self.run_cell("var before = 7;")
        reply, outputs = self.run_cell(
            'var partial = 3;\nint Fail() => throw new InvalidOperationException("broken");\nFail();'
        )
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "InvalidOperationException")
        self.assertEqual(reply["evalue"], "broken")
        traceback = "\n".join(reply["traceback"])
        self.assertIn("line 2", traceback)
        self.assertIn("line 3", traceback)
        reply, outputs = self.run_cell("before * partial")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.result(outputs), "21")

    def test_megabyte_output(self):
        reply, outputs = self.run_cell('Console.Write(new string(\'x\', 1 << 20));\nnew string(\'y\', 1 << 20)')
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.stdout(outputs), "x" * (1 << 20))
        self.assertEqual(self.result(outputs), "y" * (1 << 20))

    def test_unicode_in_and_out(self):
        reply, outputs = self.run_cell('var s = "héllo 🌍 你好";\nConsole.WriteLine(s);\ns.Length')
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.stdout(outputs), "héllo 🌍 你好\n")
        self.assertEqual(self.result(outputs), "11")

    def test_streams_flush_during_long_cell(self):
        start = time.time()
        arrivals = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                arrivals.append(time.time() - start)

        self.kc.execute_interactive(
            'Console.WriteLine("first");\nSystem.Threading.Thread.Sleep(1500);\nConsole.WriteLine("second");',
            timeout=TIMEOUT, output_hook=hook,
        )
        self.assertGreaterEqual(len(arrivals), 2)
        self.assertLess(arrivals[0], 1.2)

    def test_display_and_update(self):
        reply, outputs = self.run_cell('var h = display("one");\nh.Update("two");')
        self.assertEqual(reply["status"], "ok")
        kinds = [t for t, _ in outputs]
        self.assertEqual(kinds, ["display_data", "update_display_data"])
        ids = {c["transient"]["display_id"] for _, c in outputs}
        self.assertEqual(len(ids), 1)
        self.assertEqual(outputs[1][1]["data"]["text/plain"], "two")

    def test_magic_is_refused_clearly(self):
        reply, outputs = self.run_cell("%time 1 + 1")
        self.assertEqual(reply["status"], "error")
        self.assertIn("not supported", reply["evalue"])
        reply, outputs = self.run_cell("#!csharp\n1 + 2")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.result(outputs), "3")

    def test_member_completion_uses_state(self):
        self.run_cell('var completeMe = "text";')
        msg_id = self.kc.complete("completeMe.ToUpp")
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertIn("ToUpper", reply["content"]["matches"])
        self.assertEqual(reply["content"]["cursor_start"], len("completeMe."))

    def test_interrupt_ends_long_loop_and_kernel_survives(self):
        self.run_cell("var survivor = 5;")
        for code in (
            "long n = 0;\nwhile (true) { n++; }",  # never looks at the token
            "for (var i = 0; ; i++) { Cancellation.ThrowIfCancellationRequested(); System.Threading.Thread.Sleep(10); }",
            "System.Threading.Thread.Sleep(60000);",  # blocks: abandoned after a grace period
        ):
            with self.subTest(code=code):
                start = time.time()
                reply = self.run_cell_and_interrupt(code, self.km.interrupt_kernel)
                self.assertEqual(reply["status"], "error")
                self.assertEqual(reply["ename"], "KeyboardInterrupt")
                self.assertLess(time.time() - start, 10)
                reply, outputs = self.run_cell("survivor")
                self.assertEqual(self.result(outputs), "5")

    def test_error_aborts_queued_cells_like_run_all(self):
        first = self.kc.execute('System.Threading.Thread.Sleep(1000); throw new Exception("stop here");')
        second = self.kc.execute("var notRun = 1;")
        third = self.kc.execute("2 + 2", stop_on_error=False)
        replies = {}
        while len(replies) < 3:
            msg = self.kc.get_shell_msg(timeout=TIMEOUT)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]["status"]
        self.assertEqual([replies[first], replies[second], replies[third]], ["error", "aborted", "aborted"], replies)
        reply, outputs = self.run_cell("1 + 2")   # sent after the aborts were answered: it runs
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.result(outputs), "3")

    def test_sigint_interrupts_the_cell(self):
        self.run_cell("var stillHere = 9;")
        reply = self.run_cell_and_interrupt("long m = 0;\nwhile (m >= 0) { m++; }", lambda: self.km.signal_kernel(signal.SIGINT))
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "KeyboardInterrupt")
        reply, outputs = self.run_cell("stillHere")
        self.assertEqual(self.result(outputs), "9")


def quiet(_msg):
    pass


class FreshKernelTests(unittest.TestCase):
    def test_restart_clears_state(self):
        km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=TIMEOUT)
        try:
            kc.execute_interactive("var remembered = 1;", timeout=TIMEOUT, output_hook=quiet)
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=TIMEOUT)
            reply = kc.execute_interactive("remembered", timeout=TIMEOUT, output_hook=quiet)
            self.assertEqual(reply["content"]["status"], "error")
            self.assertIn("CS0103", reply["content"]["evalue"])
            reply = kc.execute_interactive("1 + 1", timeout=TIMEOUT, output_hook=quiet)
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_ipc_transport(self):
        from jupyter_client.manager import KernelManager

        with tempfile.TemporaryDirectory() as folder:
            km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(folder, "k"))
            km.start_kernel()
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=TIMEOUT)
                outputs = []
                reply = kc.execute_interactive("20 + 22", timeout=TIMEOUT, output_hook=outputs.append)
                self.assertEqual(reply["content"]["status"], "ok")
                results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
                self.assertEqual(results, ["42"])
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)


class NotebookTests(unittest.TestCase):
    def test_notebook_runs_in_its_folder_with_nbclient(self):
        with tempfile.TemporaryDirectory() as folder:
            nb = nbformat.v4.new_notebook()
            nb.cells = [
                nbformat.v4.new_code_cell('var greeting = "hi";'),
                nbformat.v4.new_code_cell("greeting + \" \" + Directory.GetCurrentDirectory()"),
                nbformat.v4.new_code_cell('Console.WriteLine("π ≈ 3.14159");'),
            ]
            client = NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL_NAME,
                                    resources={"metadata": {"path": folder}})
            client.execute()
            self.assertIn(os.path.realpath(folder), nb.cells[1].outputs[0]["data"]["text/plain"])
            self.assertEqual(nb.cells[2].outputs[0]["text"], "π ≈ 3.14159\n")

    @unittest.skipUnless(os.path.exists(LIB_DLL), "Diffusion.Lib.dll is not built")
    def test_library_bridge_after_relative_reference(self):
        with tempfile.TemporaryDirectory() as folder:
            shutil.copy(LIB_DLL, folder)
            nb = nbformat.v4.new_notebook()
            nb.cells = [
                nbformat.v4.new_code_cell('#r "Diffusion.Lib.dll"'),
                nbformat.v4.new_code_cell("Diffusion.Hosting.NotebookHost.IsNotebook"),
                nbformat.v4.new_code_cell(
                    'var update = Diffusion.Hosting.NotebookHost.Display!("first");\nupdate("second");'),
                nbformat.v4.new_code_cell("Diffusion.Hosting.NotebookHost.Cancellation == Cancellation"),
            ]
            client = NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL_NAME,
                                    resources={"metadata": {"path": folder}})
            client.execute()
            self.assertEqual(nb.cells[1].outputs[0]["data"]["text/plain"], "True")
            # nbclient applies update_display_data to the output it replaces.
            self.assertEqual(nb.cells[2].outputs[0]["data"]["text/plain"], "second")
            self.assertEqual(nb.cells[3].outputs[0]["data"]["text/plain"], "True")


class InstalledKernelspecTests(unittest.TestCase):
    def test_installed_spec_runs_this_kernel(self):
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        try:
            spec = KernelSpecManager().get_kernel_spec("diffusion-csharp")
        except NoSuchKernel:
            skip_or_fail(self, "the kernelspec diffusion-csharp is not installed (run `dotnet run --project environment/cli -- setup`)")
        if not any(a.endswith("Diffusion.Kernel.dll") for a in spec.argv):
            self.fail("another kernel is installed as diffusion-csharp: " + json.dumps(spec.argv))
        self.assertEqual(spec.display_name, "C# (diffusion course)")
        self.assertEqual(spec.language, "C#")
        self.assertEqual(spec.interrupt_mode, "message")
        self.assertEqual(spec.argv[-1], "{connection_file}")


if __name__ == "__main__":
    unittest.main()
