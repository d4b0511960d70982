import { describeWebRuntime } from '@glossa/web-runtime';

const status = document.querySelector<HTMLParagraphElement>('#status');
if (status) {
  status.textContent = describeWebRuntime();
}
