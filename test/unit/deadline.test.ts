import { Deadline } from '../../src/aws/deadline';

describe('Deadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes after its time and tells each listener once', () => {
    const deadline = Deadline.in(100);
    const heard: string[] = [];
    deadline.onPass(() => heard.push('a'));
    deadline.onPass(() => heard.push('b'));
    jest.advanceTimersByTime(99);
    expect(deadline.passed).toBe(false);
    expect(heard).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(deadline.passed).toBe(true);
    expect(heard).toEqual(['a', 'b']);
    deadline.pass();
    expect(heard).toEqual(['a', 'b']);
  });

  it('does not call a listener that was taken back', () => {
    const deadline = Deadline.in(100);
    const listener = jest.fn();
    const takeBack = deadline.onPass(listener);
    takeBack();
    jest.advanceTimersByTime(100);
    expect(deadline.passed).toBe(true);
    expect(listener).not.toHaveBeenCalled();
  });

  it('never passes once disposed of, and leaves no timer behind', () => {
    const deadline = Deadline.in(100);
    const listener = jest.fn();
    deadline.onPass(listener);
    deadline.dispose();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1000);
    expect(deadline.passed).toBe(false);
    expect(listener).not.toHaveBeenCalled();
  });

  it('can be made already passed; listeners added then are not called', () => {
    const deadline = Deadline.passed();
    const listener = jest.fn();
    deadline.onPass(listener);
    expect(deadline.passed).toBe(true);
    expect(listener).not.toHaveBeenCalled();
  });
});
