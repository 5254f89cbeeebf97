import CODE

/// Owns one ODE world, its collision space, its contact group and its threading
/// implementation. Bodies, geoms and joints keep a strong reference to it, so ODE objects
/// are destroyed only when nothing can reach them any more.
final class ODEHandles {
    let world: dWorldID
    let space: dSpaceID
    let contactGroup: dJointGroupID
    let threading: dThreadingImplementationID

    init(broadphase: WorldConfiguration.Broadphase) {
        ODERuntime.prepareCurrentThread()
        world = dWorldCreate()
        switch broadphase {
        case .simple: space = dSimpleSpaceCreate(nil)
        case .hash: space = dHashSpaceCreate(nil)
        }
        contactGroup = dJointGroupCreate(0)
        // Worlds that share ODE's default threading implementation crash when stepped on two
        // threads at once, so every world gets its own.
        threading = dThreadingAllocateSelfThreadedImplementation()
        dWorldSetStepThreadingImplementation(world, dThreadingImplementationGetFunctions(threading), threading)
    }

    deinit {
        // ODE's required teardown order.
        dJointGroupDestroy(contactGroup)
        dSpaceDestroy(space)  // also destroys the geoms in it
        dWorldSetStepThreadingImplementation(world, nil, nil)
        dWorldDestroy(world)  // also destroys bodies and joints
        dThreadingFreeImplementation(threading)
    }
}
